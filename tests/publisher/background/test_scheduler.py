"""The scheduler: its jobs, the heartbeat /healthz reports, and the staleness reminder."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from publisher.background.scheduler import configure, remind_if_stale, stale_notice, tick
from publisher.db import transaction
from publisher.models import WECHAT_CHANNEL, Staff, Task
from publisher.runtime import Runtime
from publisher.services.audit import SYSTEM
from publisher.services.ledger import add_entry
from tests.conftest import make_settings

T0 = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


def test_jobs_survive_a_restart_and_never_run_twice_at_once(runtime):
    scheduler = configure(BackgroundScheduler(timezone=runtime.settings.timezone), runtime, interval=15)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"tick", "stale-reminder", "reach-pull"}
    for job in jobs.values():
        assert job.misfire_grace_time >= 24 * 3600
        assert job.coalesce is True
        assert job.max_instances == 1
    assert jobs["tick"].trigger.interval == timedelta(seconds=15)


def test_tick_interval_and_reminder_time_come_from_the_configuration(database_url, db_engine, session_factory,
                                                                       clock):
    settings = make_settings(database_url, scheduler={"tick_seconds": 40},
                             alerts={"reminder_time": "08:30"})
    runtime = Runtime(settings, db_engine, session_factory, clock)
    jobs = {job.id: job for job in configure(BackgroundScheduler(timezone=settings.timezone), runtime).get_jobs()}
    assert jobs["tick"].trigger.interval == timedelta(seconds=40)
    fields = {f.name: str(f) for f in jobs["stale-reminder"].trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("8", "30")


def test_a_deleted_article_does_not_count_as_an_update(runtime, account, clock):
    with transaction(runtime.session_factory) as session:
        _member(session, account.id, "编辑", "editor")
        entry = add_entry(session, account_id=account.id, channel=WECHAT_CHANNEL, topic="乡村振兴", title="已删",
                          published_at=clock.now(), source="publish", actor=SYSTEM, clock=clock,
                          timezone=runtime.settings.timezone)
        entry.deleted_at = clock.now()
    clock.advance(days=1)
    assert remind_if_stale(runtime) == 1


def test_tick_writes_a_heartbeat_that_healthz_reports(runtime, client, clock):
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "never ran"

    tick(runtime, "host:1")

    body = client.get("/healthz").get_json()
    assert body["scheduler"] == {"status": "ok", "last_beat": clock.now().isoformat()}
    clock.advance(minutes=10)
    assert client.get("/healthz").get_json()["scheduler"]["status"] == "stale"


def test_stale_notice_warns_then_turns_urgent():
    assert stale_notice(T0 - timedelta(days=6), T0, 7, 14) is None
    assert "7 天" in stale_notice(T0 - timedelta(days=7), T0, 7, 14)
    assert stale_notice(T0 - timedelta(days=14), T0, 7, 14).startswith("【紧急】")
    assert stale_notice(None, T0, 7, 14) is not None


def _member(session, account_id, name, role):
    session.add(Staff(account_id=account_id, name=name, role=role, openid=f"o-{name}", active=True,
                      created_at=T0, bound_at=T0))


def test_reminder_tells_editors_and_admins_once_a_day(runtime, account, clock):
    with transaction(runtime.session_factory) as session:
        for name, role in (("编辑", "editor"), ("管理员", "admin"), ("审核人", "reviewer")):
            _member(session, account.id, name, role)
        add_entry(session, account_id=account.id, channel=WECHAT_CHANNEL, topic="乡村振兴", title="上一篇",
                  published_at=clock.now(), source="history", actor=SYSTEM, clock=clock,
                  timezone=runtime.settings.timezone)

    clock.advance(days=3)
    assert remind_if_stale(runtime) == 0
    clock.advance(days=12)
    assert remind_if_stale(runtime) == 2
    assert remind_if_stale(runtime) == 0  # the same day again: nothing new

    with runtime.session_factory() as session:
        tasks = session.scalars(select(Task).where(Task.kind == "send_text")).all()
    assert sorted(t.payload["openid"] for t in tasks) == ["o-管理员", "o-编辑"]
    assert all(t.payload["text"].startswith("【紧急】") for t in tasks)


def test_the_first_tick_is_due_at_the_runtime_clock_now(runtime):
    jobs = {job.id: job for job in configure(BackgroundScheduler(timezone=runtime.settings.timezone), runtime).get_jobs()}
    assert jobs["tick"].next_run_time == runtime.clock.now()


def test_the_reach_pull_time_comes_from_the_configuration(database_url, db_engine, session_factory, clock):
    settings = make_settings(database_url, scheduler={"reach_pull_time": "09:15"})
    runtime = Runtime(settings, db_engine, session_factory, clock)
    jobs = {job.id: job for job in configure(BackgroundScheduler(timezone=settings.timezone), runtime).get_jobs()}
    fields = {f.name: str(f) for f in jobs["reach-pull"].trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("9", "15")
