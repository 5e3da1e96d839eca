"""The scheduler (APScheduler 3.x): one tick job that reads due work from the database, and
a daily reminder job (SPEC §6).

No job per post: the database is the queue, so a restart loses nothing and several
schedulers (processes, machines) can run at once; the bundle claims keep them apart.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import func, select

from publisher.accounts import account_by_name
from publisher.models import Post, SchedulerHeartbeat, Staff
from publisher.notify import notify_staff
from publisher.publishing.runner import run_publishing_pass, worker_name
from publisher.runtime import Runtime
from publisher.jobs import run_due_tasks
from publisher.texts import publishing as texts

log = logging.getLogger(__name__)

TICK_SECONDS = 15
# A tick missed while the process was down (or the machine asleep) still runs once on
# start; a day's grace covers any ordinary outage, and coalescing runs it only once.
MISFIRE_GRACE = int(timedelta(days=1).total_seconds())
REMINDER_TIME = (9, 0)  # 北京时间, when staff are at work
HEARTBEAT_STALE = timedelta(seconds=TICK_SECONDS * 8)


def tick(runtime: Runtime, worker: str | None = None) -> int:
    """One pass: publishing, then due background tasks, then the heartbeat."""
    worker = worker or worker_name()
    advanced = run_publishing_pass(runtime, worker)
    run_due_tasks(runtime)
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


def remind_if_stale(runtime: Runtime) -> int:
    """Tell editors and admins when nothing has gone out for `stale_days_warn` days, urgently
    from `stale_days_urgent` (the 政务新媒体 inspection threshold). Returns notices queued."""
    settings, now = runtime.settings, runtime.clock.now()
    queued = 0
    with runtime.session_factory.begin() as session:
        for configured in settings.accounts:
            account = account_by_name(session, configured.name)
            if account is None:
                continue
            last = session.scalar(select(func.max(Post.published_at)).where(Post.account_id == account.id))
            text = stale_notice(last, now, settings.stale_days_warn, settings.stale_days_urgent)
            if text is None:
                continue
            staff = session.scalars(select(Staff.id).where(
                Staff.account_id == account.id, Staff.role.in_(("editor", "admin")))).all()
            day = now.astimezone(settings.timezone).date().isoformat()
            queued += notify_staff(session, account_id=account.id, staff_ids=staff, text=text, now=now,
                                   dedup_key=f"stale:{account.id}:{day}")
    return queued


def stale_notice(last: datetime | None, now: datetime, warn: int, urgent: int) -> str | None:
    if last is None:
        return texts.STALE_NEVER
    days = (now - last).days
    if days >= urgent:
        return texts.STALE_URGENT.format(days=days, days_limit=urgent)
    if days >= warn:
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


def configure(scheduler: BaseScheduler, runtime: Runtime, *, interval: int = TICK_SECONDS) -> BaseScheduler:
    common = {"misfire_grace_time": MISFIRE_GRACE, "coalesce": True, "max_instances": 1, "replace_existing": True}
    scheduler.add_job(_safely(tick, runtime), "interval", seconds=interval, id="tick",
                      next_run_time=datetime.now(runtime.settings.timezone), **common)
    hour, minute = REMINDER_TIME
    scheduler.add_job(_safely(remind_if_stale, runtime), "cron", hour=hour, minute=minute, id="stale-reminder",
                      **common)
    return scheduler


def background_scheduler(runtime: Runtime, **kwargs) -> BackgroundScheduler:
    return configure(BackgroundScheduler(timezone=runtime.settings.timezone), runtime, **kwargs)


def blocking_scheduler(runtime: Runtime, **kwargs) -> BlockingScheduler:
    return configure(BlockingScheduler(timezone=runtime.settings.timezone), runtime, **kwargs)
