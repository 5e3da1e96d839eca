"""A definite errcode answered to freepublish/submit or the mass send means WeChat did not
apply the call: the bundle goes back to pending and is submitted again on the next tick,
not left in "submitting" for the ten-minute reconcile (kept for answers that never came)."""
from __future__ import annotations

from datetime import datetime

import pytest
import requests
from sqlalchemy import select

from publisher.models import PublishBundle
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.publishing_support import post_row, queue_post

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
TICK = 15  # seconds: the scheduler's default tick


def _ticks(runtime, clock, count: int) -> None:
    for _ in range(count):
        run_publishing_pass(runtime, "test-worker")
        clock.advance(seconds=TICK)
        requests.post(runtime.settings.wechat_api_base + "sandbox/clock", json={"advance": TICK},
                      timeout=5).raise_for_status()


@pytest.mark.parametrize("errcode", [42001, 40001, 40014])
def test_a_token_refused_twice_at_submit_is_submitted_again_within_a_minute(
    make_runtime, sandbox_server, clock, errcode
):
    runtime = make_runtime()
    post = queue_post(runtime, "乡村振兴推进会")
    # Twice: the call and the client's one repeat with a refreshed token are both refused.
    sandbox_server.fault(path="cgi-bin/freepublish/submit", errcode=errcode, times=2)
    clock.set(NOON)

    _ticks(runtime, clock, 4)

    assert sandbox_server.published_titles() == ["乡村振兴推进会"]
    assert post_row(runtime, post).status == "published"


def test_a_token_refused_twice_at_the_mass_send_is_sent_again_within_a_minute(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "群发通知")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", errcode=42001, times=2)
    clock.set(NOON)

    _ticks(runtime, clock, 4)

    assert sandbox_server.published_titles() == ["群发通知"]
    assert post_row(runtime, post).status == "published"


def test_a_refused_submit_leaves_the_bundle_pending_not_submitting(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    queue_post(runtime, "入户走访")
    sandbox_server.fault(path="cgi-bin/freepublish/submit", errcode=42001, times=2)
    clock.set(NOON)

    run_publishing_pass(runtime, "test-worker")

    with runtime.session_factory() as session:
        bundle = session.scalars(select(PublishBundle)).one()
    assert (bundle.status, bundle.last_errcode) == ("pending", 42001)
    assert sandbox_server.state()["publish_jobs"] == []
