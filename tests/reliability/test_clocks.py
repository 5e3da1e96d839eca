"""Clocks (issue 16): the wall clock jumping between ticks, a slot passing while no worker
runs, the year turning during a publish. Nothing published twice, skipped, or counted in
the wrong year."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from publisher.models import LedgerEntry
from publisher.publishing.runner import run_publishing_pass
from publisher.services.ledger import local_day
from tests.conftest import BEIJING
from tests.publishing_support import add_staff, post_row, queue_post, run_until_settled

from .invariants import drain_tasks, end_state_problems


def _problems(runtime, sandbox_server, posts):
    drain_tasks(runtime, runtime.clock)
    return end_state_problems(runtime, sandbox_server.app.extensions["sandbox"], posts)


@pytest.mark.parametrize("mode", ["freepublish", "mass"])
def test_wall_clock_jumping_forward_an_hour_and_back_ten_minutes_publishes_each_post_once(
    make_runtime, sandbox_server, clock, request, mode
):
    request.node.user_properties.append(("case", {"fault": "clock +1 h, then -10 min, between ticks",
                                                  "step": "every tick", "mode": mode}))
    runtime = make_runtime(mode=mode)
    author = add_staff(runtime)
    day = datetime(2024, 3, 1, tzinfo=BEIJING)
    posts = [queue_post(runtime, f"跳变-{h}", author_id=author, scheduled_at=day.replace(hour=h))
             for h in (12, 13, 14)]
    clock.set(day.replace(hour=11, minute=55))
    for _ in range(8):  # +1 h, -10 min, +1 h, -10 min ...: the clock wanders past every slot
        run_publishing_pass(runtime, "w")
        clock.advance(hours=1)
        sandbox_server.advance(3600)
        run_publishing_pass(runtime, "w")
        clock.advance(minutes=-10)
    for _ in range(3):  # a subscription account mass-sends once a day: the rest go on later days
        run_until_settled(runtime, clock, passes=40)
        clock.advance(days=1)
        sandbox_server.advance(24 * 3600)
    run_until_settled(runtime, clock, passes=40)

    assert _problems(runtime, sandbox_server, posts) == []
    assert [post_row(runtime, p).status for p in posts] == ["published"] * 3


def test_slot_passing_while_the_worker_is_down_is_published_once_when_it_is_back(
    make_runtime, sandbox_server, clock, request
):
    request.node.user_properties.append(("case", {"fault": "slot passes during a crash", "step": "submit",
                                                  "mode": "freepublish"}))
    runtime = make_runtime()
    author = add_staff(runtime)
    noon = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
    posts = [queue_post(runtime, "停机期间", author_id=author, scheduled_at=noon)]
    # The worker dies with the submit unanswered (applied) just before noon's slot passes,
    # and is back three hours later.
    sandbox_server.fault(path="cgi-bin/freepublish/submit", after="hang", hang=1.5)
    clock.set(noon)
    run_publishing_pass(runtime, "w")
    clock.advance(hours=3)
    run_until_settled(runtime, clock, passes=40)

    assert _problems(runtime, sandbox_server, posts) == []
    assert post_row(runtime, posts[0]).status == "published"


SANDBOX_LEAD = 20  # seconds; see _last_second_of_a_year


def _last_second_of_a_year(sandbox_server) -> datetime:
    """23:59:59 北京时间 on the next 31 December, with the sandbox's clock moved close behind
    (it only moves forward), so that WeChat's own times and govpost's agree on the year. The
    sandbox's clock goes on in real time: SANDBOX_LEAD seconds before govpost's leaves a
    loaded machine time to reach the submit before WeChat's midnight."""
    sandbox_now = datetime.fromtimestamp(sandbox_server.app.extensions["sandbox"].clock.now(), BEIJING)
    target = datetime(sandbox_now.year, 12, 31, 23, 59, 59, tzinfo=BEIJING)
    if target - sandbox_now < timedelta(minutes=1):
        target = target.replace(year=target.year + 1)
    sandbox_server.advance((target - sandbox_now).total_seconds() - SANDBOX_LEAD)
    return target


@pytest.mark.parametrize("mode", ["freepublish", "mass"])
def test_publish_at_23_59_59_on_31_december_is_counted_in_the_year_it_went_out(
    make_runtime, sandbox_server, clock, request, mode
):
    request.node.user_properties.append(("case", {"fault": "year turns during a publish (23:59:59 北京时间)",
                                                  "step": "submit → poll", "mode": mode}))
    runtime = make_runtime(mode=mode)
    author = add_staff(runtime)
    last_second = _last_second_of_a_year(sandbox_server)
    posts = [queue_post(runtime, "岁末公告", author_id=author, scheduled_at=last_second)]
    clock.set(last_second)
    # The submit (or send) goes out at 23:59:59; its poll answers only after midnight.
    sandbox_server.fault(path="cgi-bin/freepublish/get" if mode == "freepublish" else "cgi-bin/message/mass/get",
                         errcode=-1)
    run_publishing_pass(runtime, "w")
    clock.advance(seconds=6)
    run_until_settled(runtime, clock, passes=40)

    assert _problems(runtime, sandbox_server, posts) == []
    post = post_row(runtime, posts[0])
    with runtime.session_factory() as session:
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == post.id))
    # Out at once at 23:59:59 (the sandbox finishes the job on submit): the old year's, in
    # the ledger that decides the annual report.
    assert local_day(entry.published_at, runtime.settings.timezone).year == last_second.year
    assert entry.disclosed_on.year == last_second.year
