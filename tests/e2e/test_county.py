"""A county on one deployment: many accounts, many approved posts, three `govpost worker`
processes started at once, one SIGKILLed mid-run and restarted. Every post goes out exactly
once, in a bundle of its own account, with one token fetch per account and its ledger row in
its own account; the wall time is printed beside the same run with one worker.

Scale: GOVPOST_COUNTY_ACCOUNTS (default 50) x GOVPOST_COUNTY_POSTS_PER_ACCOUNT (default 8:
one slot's bundle, as the plan never puts more than 8 articles in one freepublish bundle and
the workers run on the system clock, so later slots would not come due during the test).
Runs on the test database (SQLite, or PostgreSQL with GOVPOST_TEST_DATABASE_URL).
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
from sqlalchemy import func, select, update

from publisher.core.clock import SystemClock
from publisher.db import make_session_factory, transaction
from publisher.lifecycle import Status
from publisher.models import LedgerEntry, Post, PostBlock, PostImage, PublishBundle
from publisher.runtime import Runtime
from publisher.services.accounts import sync_accounts
from publisher.settings import load_settings
from tests.publishing_support import JPEG, LiveSandbox

GOVPOST = str(Path(sys.executable).with_name("govpost"))
ACCOUNTS = int(os.environ.get("GOVPOST_COUNTY_ACCOUNTS", "50"))
PER_ACCOUNT = int(os.environ.get("GOVPOST_COUNTY_POSTS_PER_ACCOUNT", "8"))
DEADLINE_SECONDS = 600

pytestmark = [pytest.mark.slow, pytest.mark.timeout(DEADLINE_SECONDS + 60)]


def county_config(path: Path, database_url: str, sandbox_url: str | None) -> Path:
    lines = [f'database_url = "{database_url}"', 'secret_key = "county-e2e"']
    if sandbox_url:
        lines.append(f'wechat_api_base = "{sandbox_url}"')
    lines.append("[sandbox]\npublish_delay = 0")
    for n in range(ACCOUNTS):
        lines.append(f'[[accounts]]\nname = "town{n:02d}"\ndisplay_name = "第{n}镇"\nslots = ["12:00", "18:00"]')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def queue_posts(runtime: Runtime) -> dict[int, str]:
    """PER_ACCOUNT approved posts per account, due a minute ago; returns post id -> account."""
    now = runtime.clock.now()
    owner = {}
    with transaction(runtime.session_factory) as session:
        for account in sync_accounts(session, runtime.settings, runtime.clock):
            for i in range(PER_ACCOUNT):
                post = Post(account_id=account.id, title=f"{account.name}-稿件{i}", author_name="党政办", digest="",
                            status=Status.APPROVED.value, priority=0, scheduled_at=now - timedelta(minutes=1),
                            approved_at=now, created_at=now, updated_at=now)
                session.add(post)
                session.flush()
                session.add(PostImage(post_id=post.id, is_cover=True, data=JPEG, content_type="image/jpeg",
                                      created_at=now))
                session.add(PostBlock(post_id=post.id, position=1, kind="text", text=f"{post.title}的正文。"))
                owner[post.id] = account.name
    return owner


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen([GOVPOST, "worker", "--interval", "1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def published(runtime: Runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Post).where(Post.status == "published"))


@pytest.fixture
def sandbox(tmp_path, database_url):
    """The sandbox WeChat API, knowing every account's (sandbox) credentials."""
    server = LiveSandbox(load_settings(county_config(tmp_path / "probe.toml", database_url, None), {}))
    yield server
    server.close()


def run_county(tmp_path, database_url, db_engine, sandbox, workers: int, kill_one: bool):
    config = county_config(tmp_path / f"govpost-{workers}.toml", database_url, sandbox.url)
    settings = load_settings(config, {})
    runtime = Runtime(settings, db_engine, make_session_factory(db_engine), SystemClock())
    owner = queue_posts(runtime)
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_LOG_LEVEL": "WARNING"}
    env.pop("GOVPOST_CRASH_AT", None)
    started = time.monotonic()
    processes = [start_worker(env) for _ in range(workers)]
    try:
        if kill_one:
            while published(runtime) < len(owner) // 4:
                assert time.monotonic() - started < DEADLINE_SECONDS, "no progress before the kill"
                time.sleep(0.2)
            victim = processes[0]
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            # What the 5-minute lease would do to the dead worker's claims, at once.
            with transaction(runtime.session_factory) as session:
                session.execute(update(PublishBundle).where(PublishBundle.claimed_by.like(f"%:{victim.pid}"))
                                .values(claim_expires_at=runtime.clock.now() - timedelta(seconds=1)))
            processes[0] = start_worker(env)
        while published(runtime) < len(owner):
            assert time.monotonic() - started < DEADLINE_SECONDS, f"{published(runtime)} of {len(owner)} published"
            time.sleep(0.2)
        wall = time.monotonic() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return runtime, owner, wall, settings


def assert_published_once_each_in_its_own_account(runtime, sandbox, owner, settings):
    titles = sandbox.published_titles()
    with runtime.session_factory() as session:
        posts = {p.id: p for p in session.scalars(select(Post))}
        accounts = {a.id: a.name for a in sync_accounts(session, settings, runtime.clock)}
        bundles = {b.id: b for b in session.scalars(select(PublishBundle))}
        ledger = session.scalars(select(LedgerEntry).where(LedgerEntry.post_id.is_not(None))).all()
    assert sorted(titles) == sorted(p.title for p in posts.values())  # each exactly once
    for post_id, name in owner.items():
        post = posts[post_id]
        assert accounts[bundles[post.bundle_id].account_id] == name
    assert sorted(e.post_id for e in ledger) == sorted(owner)
    assert all(accounts[e.account_id] == owner[e.post_id] for e in ledger)
    issued = sandbox.state()["tokens_issued"]
    assert {appid: sum(kinds.values()) for appid, kinds in issued.items()} == {
        a.appid: 1 for a in settings.accounts}


def test_county_three_workers_one_killed_publish_every_post_once_in_its_own_account(tmp_path, database_url,
                                                                                      db_engine, sandbox):
    runtime, owner, wall, settings = run_county(tmp_path, database_url, db_engine, sandbox, workers=3, kill_one=True)
    assert_published_once_each_in_its_own_account(runtime, sandbox, owner, settings)
    print(f"\ncounty: {ACCOUNTS} accounts, {len(owner)} posts, 3 workers (one SIGKILLed and restarted): "
          f"{wall:.1f} s wall")


def test_county_one_worker_for_the_wall_time_beside_three(tmp_path, database_url, db_engine, sandbox):
    runtime, owner, wall, settings = run_county(tmp_path, database_url, db_engine, sandbox, workers=1, kill_one=False)
    assert_published_once_each_in_its_own_account(runtime, sandbox, owner, settings)
    print(f"\ncounty: {ACCOUNTS} accounts, {len(owner)} posts, 1 worker: {wall:.1f} s wall")
