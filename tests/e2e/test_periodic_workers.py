"""Three `govpost worker` processes on one database: the daily staleness reminder and the daily
reach pull each run once across them, the other two see the period already taken and skip it."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from publisher.core.clock import SystemClock
from publisher.db import make_session_factory, transaction
from publisher.models import PeriodicRun, Staff, Task
from publisher.runtime import Runtime
from publisher.services.accounts import sync_accounts
from publisher.services.reach import DAILY_DAYS, latest_day, plan
from publisher.settings import load_settings
from publisher.texts import publishing as texts
from tests.publishing_support import LiveSandbox
from tests.support import wait_until

pytestmark = pytest.mark.slow

GOVPOST = str(Path(sys.executable).with_name("govpost"))


def test_three_workers_send_each_days_stale_reminder_once(tmp_path, database_url, db_engine):
    config = tmp_path / "govpost.toml"
    # A reminder time already past today, so that every worker catches up at start.
    config.write_text(
        f'database_url = "{database_url}"\nsecret_key = "periodic-test"\n'
        '[alerts]\nreminder_time = "00:00"\n[scheduler]\nreach_pull_time = "23:59"\n'
        '[[accounts]]\nname = "default"\n[[accounts]]\nname = "east"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, {})
    runtime = Runtime(settings, db_engine, make_session_factory(db_engine), SystemClock())
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        for account in sync_accounts(session, settings, runtime.clock):
            session.add(Staff(account_id=account.id, name="编辑", role="editor", openid=f"o-{account.name}",
                              active=True, created_at=now, bound_at=now))
    env = {**os.environ, "GOVPOST_CONFIG": str(config)}
    workers, logs = start_workers(tmp_path, env)
    try:
        def decided():
            with runtime.session_factory() as session:  # the winner's claim commits with its notices
                claimed = session.scalar(select(PeriodicRun.job)) is not None
            return claimed and [log().count("periodic job stale-reminder") for log in logs] == [1, 1, 1]

        wait_until(decided, timeout=60, interval=0.1)
    finally:
        logs = stop_workers(workers, logs)

    ran = [log.count("periodic job stale-reminder") for log in logs]
    assert ran == [1, 1, 1], logs
    assert sum(log.count(": run by ") for log in logs) == 1
    assert sum(log.count("already run by another worker") for log in logs) == 2
    with runtime.session_factory() as session:
        notices = session.scalars(select(Task).where(Task.kind == "send_text")).all()
        runs = session.scalars(select(PeriodicRun)).all()
    assert sorted(n.payload["openid"] for n in notices) == ["o-default", "o-east"]
    assert all(n.payload["text"] == texts.STALE_NEVER for n in notices)
    assert [(r.job, r.period) for r in runs] == [("stale-reminder", now.astimezone(settings.timezone).date().isoformat())]


def test_three_workers_pull_each_days_reach_figures_once(tmp_path, database_url, db_engine):
    """The daily reach pull, scheduled by every worker, is made by one of them: the sandbox is
    asked each account's week once, not three times."""
    probe = load_settings(_two_accounts(tmp_path / "probe.toml", database_url, api_base=None), {})
    sandbox = LiveSandbox(probe)
    try:
        config = _two_accounts(tmp_path / "govpost.toml", database_url, api_base=sandbox.url)
        settings = load_settings(config, {})
        runtime = Runtime(settings, db_engine, make_session_factory(db_engine), SystemClock())
        now = runtime.clock.now()
        today = now.astimezone(settings.timezone).date().isoformat()
        until = latest_day(now, settings.timezone)
        with transaction(runtime.session_factory) as session:
            one_pull = {a.appid: len(plan(session, a.id, until - timedelta(days=DAILY_DAYS - 1), until))
                        for a in sync_accounts(session, settings, runtime.clock)}
        env = {**os.environ, "GOVPOST_CONFIG": str(config)}
        workers, logs = start_workers(tmp_path, env)
        try:
            asked = lambda: Counter(q["appid"] for q in sandbox.state()["datacube_queries"])  # noqa: E731
            # Every call of one pull (a hundredth of a second apart, scheduler.reach_pause_seconds),
            # and every worker's word on today's pull: once all three have decided, none starts another.
            decided = lambda: [log().count(f"periodic job reach-pull for {today}:") for log in logs]  # noqa: E731
            wait_until(lambda: asked() == one_pull and decided() == [1, 1, 1], timeout=90, interval=0.2)
        finally:
            logs = stop_workers(workers, logs)
        assert asked() == one_pull, logs
        assert len(one_pull) == 2 and all(n > 0 for n in one_pull.values())
        assert sum(log.count(f"periodic job reach-pull for {today}: run by ") for log in logs) == 1, logs
        assert sum(log.count(f"periodic job reach-pull for {today}: already run") for log in logs) == 2, logs
        with runtime.session_factory() as session:
            runs = session.scalars(select(PeriodicRun).where(PeriodicRun.job == "reach-pull")).all()
        assert [r.period for r in runs] == [today]
    finally:
        sandbox.close()


def start_workers(tmp_path: Path, env: dict) -> tuple[list[subprocess.Popen], list]:
    """Three `govpost worker` processes, each logging to a file the test can read while they
    run; returns them and, per worker, a function reading its log so far."""
    paths = [tmp_path / f"worker-{n}.log" for n in range(3)]
    workers = []
    for path in paths:
        with path.open("w", encoding="utf-8") as log:
            workers.append(subprocess.Popen([GOVPOST, "worker", "--interval", "1"], env=env, stdout=log,
                                            stderr=subprocess.STDOUT))
    return workers, [lambda path=path: path.read_text(encoding="utf-8") for path in paths]


def stop_workers(workers: list[subprocess.Popen], logs: list) -> list[str]:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)
    return [log() for log in logs]


def _two_accounts(path: Path, database_url: str, *, api_base: str | None) -> Path:
    """Two accounts, both daily jobs' times already past today: every worker catches up at start."""
    base = f'wechat_api_base = "{api_base}"\n' if api_base else ""
    path.write_text(
        f'database_url = "{database_url}"\nsecret_key = "periodic-test"\n{base}'
        '[alerts]\nreminder_time = "23:59"\n[scheduler]\nreach_pull_time = "00:00"\nreach_pause_seconds = 0.01\n'
        '[[accounts]]\nname = "default"\n[[accounts]]\nname = "east"\n',
        encoding="utf-8",
    )
    return path
