"""Crash safety with real processes: `govpost tick` killed with SIGKILL at each step of the
pipeline, restarted, and the sandbox (served over HTTP) shows every article once.

The sandbox runs in a thread of the test process; each tick is its own process with the
system clock, so the posts are queued as due a minute ago.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from publisher.core.clock import SystemClock
from publisher.db import make_session_factory, transaction
from publisher.models import Post, PublishBundle
from publisher.runtime import Runtime
from publisher.services.accounts import sync_accounts
from publisher.settings import load_settings
from tests.publishing_support import queue_post

pytestmark = pytest.mark.slow

GOVPOST = str(Path(sys.executable).with_name("govpost"))


def make_world(tmp_path, database_url, db_engine, sandbox_url: str, mode: str):
    config = tmp_path / "govpost.toml"
    config.write_text(
        f'database_url = "{database_url}"\n'
        f'wechat_api_base = "{sandbox_url}"\n'
        'secret_key = "kill-test"\n'
        '[sandbox]\npublish_delay = 0\n'
        f'[[accounts]]\nname = "default"\nmode = "{mode}"\nslots = ["12:00", "18:00"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, {})
    runtime = Runtime(settings, db_engine, make_session_factory(db_engine), SystemClock())
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, settings, runtime.clock)
    env = {**os.environ, "GOVPOST_CONFIG": str(config)}
    env.pop("GOVPOST_CRASH_AT", None)
    return runtime, env


@pytest.fixture
def world(tmp_path, database_url, db_engine, sandbox_server):
    return make_world(tmp_path, database_url, db_engine, sandbox_server.url, "freepublish")


@pytest.fixture
def mass_world(tmp_path, database_url, db_engine, sandbox_server):
    return make_world(tmp_path, database_url, db_engine, sandbox_server.url, "mass")


def tick(env: dict, crash_at: str | None = None) -> subprocess.CompletedProcess:
    run_env = dict(env, **({"GOVPOST_CRASH_AT": crash_at} if crash_at else {}))
    return subprocess.run([GOVPOST, "tick"], env=run_env, capture_output=True, text=True, timeout=60, check=False)


def lease_runs_out(runtime: Runtime) -> None:
    """What five minutes would do to a dead worker's claim."""
    with transaction(runtime.session_factory) as session:
        session.execute(update(PublishBundle).values(claim_expires_at=runtime.clock.now() - timedelta(seconds=1)))


def queue_due(runtime: Runtime, titles: list[str]) -> list[int]:
    return [queue_post(runtime, t, scheduled_at=runtime.clock.now() - timedelta(minutes=1), body_picture=True)
            for t in titles]


def settle(runtime: Runtime, env: dict, post_ids: list[int]) -> None:
    for _ in range(5):
        lease_runs_out(runtime)
        assert tick(env).returncode == 0
        with runtime.session_factory() as session:
            statuses = set(session.scalars(select(Post.status).where(Post.id.in_(post_ids))))
        if statuses == {"published"}:
            return
    raise AssertionError(f"posts not published: {statuses}")


@pytest.mark.parametrize("step", ["after_claim", "after_upload", "after_draft", "after_submit"])
def test_worker_killed_at_each_step_resumes_and_publishes_exactly_once(world, sandbox_server, step):
    runtime, env = world
    titles = [f"{step}-{i}" for i in (1, 2, 3)]
    posts = queue_due(runtime, titles)

    crashed = tick(env, crash_at=step)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    settle(runtime, env, posts)

    assert sorted(sandbox_server.published_titles()) == sorted(titles)
    assert sandbox_server.state()["drafts"] == []


@pytest.mark.parametrize("step", ["after_claim", "after_upload", "after_draft", "after_submit"])
def test_mass_send_worker_killed_at_each_step_resumes_and_sends_exactly_once(mass_world, sandbox_server, step):
    runtime, env = mass_world
    titles = [f"mass-{step}-{i}" for i in (1, 2)]
    posts = queue_due(runtime, titles)

    crashed = tick(env, crash_at=step)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    settle(runtime, env, posts)

    assert sorted(sandbox_server.published_titles()) == sorted(titles)
    assert len(sandbox_server.state()["mass_sends"]) == 1
    assert sandbox_server.state()["drafts"] == []


def test_worker_killed_while_waiting_for_an_applied_submit_reconciles_it(world, sandbox_server):
    runtime, env = world
    titles = ["hung-1", "hung-2"]
    posts = queue_due(runtime, titles)
    sandbox_server.fault(path="cgi-bin/freepublish/submit", after="hang", hang=20)

    worker = subprocess.Popen([GOVPOST, "tick"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not sandbox_server.state()["publish_jobs"]:  # the submit has been applied
        assert time.monotonic() < deadline, "the submit never reached the sandbox"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    settle(runtime, env, posts)

    assert sorted(sandbox_server.published_titles()) == titles


def test_two_worker_processes_started_at_once_publish_each_bundle_once(world, sandbox_server):
    runtime, env = world
    titles = [f"pair-{i}" for i in range(1, 7)]
    posts = queue_due(runtime, titles)

    workers = [subprocess.Popen([GOVPOST, "tick"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0, worker.stderr.read()
    settle(runtime, env, posts)

    assert sorted(sandbox_server.published_titles()) == sorted(titles)
    with runtime.session_factory() as session:
        assert session.scalars(select(PublishBundle.status)).all() == ["published"]


@pytest.mark.parametrize("mode", ["freepublish", "mass"])
def test_worker_killed_before_recording_its_draft_leaves_no_draft_behind(
    tmp_path, database_url, db_engine, sandbox_server, mode
):
    runtime, env = make_world(tmp_path, database_url, db_engine, sandbox_server.url, mode)
    titles = [f"unrecorded-{mode}-{i}" for i in (1, 2)]
    posts = queue_due(runtime, titles)

    crashed = tick(env, crash_at="draft_unrecorded")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert [d["titles"] for d in sandbox_server.state()["drafts"]] == [titles]  # made, never recorded
    settle(runtime, env, posts)

    assert sorted(sandbox_server.published_titles()) == sorted(titles)
    assert sandbox_server.state()["drafts"] == []
