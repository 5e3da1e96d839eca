"""The scheduler (APScheduler 3.x): one tick job that reads due work from the database, and
a daily reminder job (SPEC §6).

No job per post: the database is the queue, so a restart loses nothing and several
schedulers (processes, machines) can run at once; the bundle claims keep them apart.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from publisher.background.jobs import run_due_tasks
from publisher.background.periodic import claim_period
from publisher.models import WECHAT_CHANNEL, LedgerEntry, SchedulerHeartbeat, Staff
from publisher.publishing.runner import run_publishing_pass, worker_name
from publisher.runtime import Runtime
from publisher.services.accounts import account_contexts
from publisher.services.notify import notify_staff
from publisher.services.reach import PullResult, pull_every_account
from publisher.texts import publishing as texts
from publisher.wechat.replay import prune_replays

if TYPE_CHECKING:  # APScheduler is imported by the two functions that build one, below: a
    # `govpost tick` (one pass, no scheduler) is spared its 0.08 s of imports.
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import BaseScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger(__name__)

# A tick missed while the process was down (or the machine asleep) still runs once on
# start; a day's grace covers any ordinary outage, and coalescing runs it only once.
MISFIRE_GRACE = int(timedelta(days=1).total_seconds())
# A heartbeat older than this many ticks means no scheduler is running.
STALE_AFTER_TICKS = 8


def heartbeat_is_fresh(settings, last: datetime, now: datetime) -> bool:
    return now - last <= timedelta(seconds=settings.scheduler_tick_seconds * STALE_AFTER_TICKS)


def tick(runtime: Runtime, worker: str | None = None) -> int:
    """One pass: publishing, then due background tasks, expired webhook replay keys, then the
    heartbeat."""
    worker = worker or worker_name()
    advanced = run_publishing_pass(runtime, worker)
    run_due_tasks(runtime)
    prune_replays(runtime.session_factory, runtime.clock.now())
    beat(runtime, worker, advanced)
    return advanced


def beat(runtime: Runtime, worker: str, advanced: int) -> None:
    with runtime.session_factory.begin() as session:
        row = session.get(SchedulerHeartbeat, worker)
        if row is None:
            row = SchedulerHeartbeat(worker=worker)
            session.add(row)
        row.beat_at, row.bundles_advanced = runtime.clock.now(), advanced


def latest_heartbeat(session) -> datetime | None:
    return session.scalar(select(func.max(SchedulerHeartbeat.beat_at)))


def remind_if_stale(runtime: Runtime, worker: str | None = None) -> int:
    """Tell editors and admins when nothing has gone out for `stale_days_warn` days, urgently
    from `stale_days_urgent` (the 政务新媒体 inspection threshold). Returns notices queued.
    Once a day across all workers (publisher.background.periodic)."""
    settings, now = runtime.settings, runtime.clock.now()
    queued = 0
    with runtime.session_factory.begin() as session:
        today = now.astimezone(settings.timezone).date().isoformat()
        if not claim_period(session, job="stale-reminder", period=today, worker=worker or worker_name(), now=now):
            return 0
        for account in account_contexts(session, settings):
            last = last_wechat_article_at(session, account.id)
            text = stale_notice(last, now, settings.stale_days_warn, settings.stale_days_urgent)
            if text is None:
                continue
            staff = session.scalars(select(Staff.id).where(
                Staff.account_id == account.id, Staff.role.in_(("editor", "admin")))).all()
            day = now.astimezone(settings.timezone).date().isoformat()
            queued += notify_staff(session, account_id=account.id, staff_ids=staff, text=text, now=now,
                                   dedup_key=f"stale:{account.id}:{day}")
    return queued


def pull_reach_once_a_day(runtime: Runtime, worker: str | None = None, *,
                          sleep: Callable[[float], None] = time.sleep) -> PullResult | None:
    """The daily reach pull (publisher.services.reach), by one worker a day across all of them;
    None when another worker has the day.

    The day's claim commits before the pull, not with it as the reminder's does: the pull
    makes a call every half second for minutes and commits as it goes, and a transaction held
    open that long would keep every other worker's claim waiting on it. A worker that dies
    mid-pull leaves the rest of that day's calls undone; the next day's pull looks back a
    week and asks again for every day not answered in full, so figures come late, never lost.
    """
    now = runtime.clock.now()
    today = now.astimezone(runtime.settings.timezone).date().isoformat()
    with runtime.session_factory.begin() as session:
        if not claim_period(session, job="reach-pull", period=today, worker=worker or worker_name(), now=now):
            return None
    return pull_every_account(runtime, sleep=sleep)


def last_wechat_article_at(session, account_id: int) -> datetime | None:
    # The ledger, not the posts: it also knows articles brought in by import-history.
    return session.scalar(
        select(func.max(LedgerEntry.published_at)).where(
            LedgerEntry.account_id == account_id,
            LedgerEntry.channel == WECHAT_CHANNEL,
            LedgerEntry.deleted_at.is_(None),
        )
    )


def staleness(last: datetime | None, now: datetime, warn: int, urgent: int) -> str:
    """"never", "urgent", "warn" or "fresh": the reminder and the console's dashboard agree."""
    if last is None:
        return "never"
    days = (now - last).days
    return "urgent" if days >= urgent else "warn" if days >= warn else "fresh"


def stale_notice(last: datetime | None, now: datetime, warn: int, urgent: int) -> str | None:
    level = staleness(last, now, warn, urgent)
    if level == "never":
        return texts.STALE_NEVER
    days = (now - last).days
    if level == "urgent":
        return texts.STALE_URGENT.format(days=days, days_limit=urgent)
    if level == "warn":
        return texts.STALE_WARN.format(days=days, days_limit=urgent)
    return None


def _safely(job, runtime: Runtime):
    def run() -> None:
        try:
            job(runtime)
        except Exception:  # one failed pass must not stop the scheduler; the next one resumes
            log.exception("scheduler job %s failed", job.__name__)

    run.__name__ = job.__name__
    return run


def configure(scheduler: BaseScheduler, runtime: Runtime, *, interval: int | None = None) -> BaseScheduler:
    settings = runtime.settings
    interval = interval or settings.scheduler_tick_seconds
    common = {"misfire_grace_time": MISFIRE_GRACE, "coalesce": True, "max_instances": 1, "replace_existing": True}
    scheduler.add_job(_safely(tick, runtime), "interval", seconds=interval, id="tick", name="tick",
                      next_run_time=runtime.clock.now(), **common)
    # A worker (re)started after a daily job's time catches up at once; the period claim keeps
    # that to one run a day whichever worker, and however many, start.
    local_now = datetime.now(settings.timezone)
    for job_id, job, at in (("stale-reminder", remind_if_stale, settings.reminder_time),
                            ("reach-pull", pull_reach_once_a_day, settings.reach_pull_time)):
        catch_up = {"next_run_time": local_now} if local_now.time() >= at else {}
        scheduler.add_job(_safely(job, runtime), "cron", hour=at.hour, minute=at.minute, id=job_id, name=job_id,
                          **catch_up, **common)
    return scheduler


def background_scheduler(runtime: Runtime, **kwargs) -> BackgroundScheduler:
    from apscheduler.schedulers.background import BackgroundScheduler

    return configure(BackgroundScheduler(timezone=runtime.settings.timezone), runtime, **kwargs)


def blocking_scheduler(runtime: Runtime, **kwargs) -> BlockingScheduler:
    from apscheduler.schedulers.blocking import BlockingScheduler

    return configure(BlockingScheduler(timezone=runtime.settings.timezone), runtime, **kwargs)
