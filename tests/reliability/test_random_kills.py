"""Workers SIGKILLed at random moments (issue 16, kill at random points).

Each round queues posts due now and starts `govpost tick` processes (one, two or three at
once); after a random pause one of them is SIGKILLed, wherever it is, and its lease is
let run out. Every sandbox call is slowed a little so that a kill lands inside a step as
often as between steps. After the rounds, a clean worker settles everything, the clock
moving on in-process (so the ten-minute reconcile wait costs nothing), and the end state
must hold the invariants. The seed is printed; GOVPOST_SEED reruns a failure exactly
(as far as the operating system's scheduling allows).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from publisher.core.clock import FixedClock, SystemClock
from publisher.db import make_session_factory, transaction
from publisher.runtime import Runtime
from publisher.services.accounts import sync_accounts
from publisher.settings import load_settings
from tests.publishing_support import add_staff, post_row, queue_post, run_until_settled

from .conftest import SOAK
from .invariants import drain_tasks, end_state_problems, lease_runs_out

pytestmark = pytest.mark.slow

GOVPOST = str(Path(sys.executable).with_name("govpost"))
ROUNDS = 30 if SOAK else 5
# A service account mass-sends four times a month: a fifth bundle is rightly deferred.
MASS_ROUNDS = 4


def _world(tmp_path, database_url, db_engine, sandbox_url: str, mode: str):
    config = tmp_path / "govpost.toml"
    config.write_text(
        f'database_url = "{database_url}"\nwechat_api_base = "{sandbox_url}"\nsecret_key = "kill-test"\n'
        '[sandbox]\npublish_delay = 0\n'
        f'[[accounts]]\nname = "default"\nmode = "{mode}"\naccount_type = "service"\nslots = ["12:00", "18:00"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, {})
    runtime = Runtime(settings, db_engine, make_session_factory(db_engine), SystemClock())
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, settings, runtime.clock)
    env = {k: v for k, v in os.environ.items() if k != "GOVPOST_CRASH_AT"}
    return runtime, settings, dict(env, GOVPOST_CONFIG=str(config))


def _rounds(runtime, env, rng: random.Random, *, workers: int, rounds: int) -> list[int]:
    author = add_staff(runtime)
    posts: list[int] = []
    for number in range(rounds):
        due = runtime.clock.now() - timedelta(minutes=1)
        posts += [queue_post(runtime, f"kill-{number}-{i}", author_id=author, scheduled_at=due,
                             body_picture=(i == 0)) for i in range(2)]
        started = [subprocess.Popen([GOVPOST, "tick"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(workers)]
        time.sleep(rng.uniform(0.0, 1.5))
        victim = rng.choice(started)
        victim.send_signal(signal.SIGKILL)
        for worker in started:
            worker.wait(timeout=60)
        lease_runs_out(runtime)
    return posts


def _settle(settings, db_engine, sandbox_server):
    """A clean worker, in-process, on a clock that it can move on (the sandbox's moves too)."""
    clock = FixedClock(SystemClock().now())
    runtime = Runtime(settings, db_engine, make_session_factory(db_engine), clock)
    lease_runs_out(runtime)
    run_until_settled(runtime, clock, passes=40)
    drain_tasks(runtime, clock)
    return runtime


@pytest.fixture
def service_sandbox(database_url):
    """The sandbox with a service account (four mass sends a month), as the world configures."""
    from tests.publishing_support import LiveSandbox, publishing_settings

    server = LiveSandbox(publishing_settings(database_url, "", account_type="service"))
    yield server
    server.close()


@pytest.mark.parametrize("mode", ["freepublish", "mass"])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_killed_at_random_moments_publish_every_article_once(
    tmp_path, database_url, db_engine, service_sandbox, seed, request, workers, mode
):
    sandbox_server = service_sandbox
    request.node.user_properties.append(("case", {"fault": "SIGKILL at a random moment", "mode": mode,
                                                  "step": f"{workers} worker(s), one killed per round"}))
    rng = random.Random(seed)
    rounds = ROUNDS if mode == "freepublish" else MASS_ROUNDS
    runtime, settings, env = _world(tmp_path, database_url, db_engine, sandbox_server.url, mode)
    sandbox_server.fault(path="*", delay=0.05, times=100_000)
    posts = _rounds(runtime, env, rng, workers=workers, rounds=rounds)
    sandbox_server.app.extensions["sandbox"].faults.clear()

    settled = _settle(settings, db_engine, sandbox_server)

    assert end_state_problems(settled, sandbox_server.app.extensions["sandbox"], posts) == []
    assert {post_row(settled, p).status for p in posts} == {"published"}, _story(settled)


def _story(runtime) -> str:
    """The bundles and the notices, for the failure message."""
    from sqlalchemy import select

    from publisher.models import PublishBundle

    from .invariants import notices

    with runtime.session_factory() as session:
        bundles = [(b.id, b.status, b.last_errcode, b.last_error) for b in session.scalars(select(PublishBundle))]
    return f"bundles: {bundles}; notices: {notices(runtime)}"
