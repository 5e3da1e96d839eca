"""Mass send (群发): one send per 北京时间 day for a subscription account."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from publisher.models import LedgerEntry, PublishBundle, Task
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.publishing_support import (
    add_staff,
    post_row,
    queue_post,
    run_until_settled,
)


def test_second_bundle_of_a_day_rolls_to_the_next_morning_and_the_author_is_told(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="mass", account_type="subscription")
    author = add_staff(runtime)
    morning = queue_post(runtime, "上午的通知", author_id=author,
                         scheduled_at=datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    evening = queue_post(runtime, "下午的通知", author_id=author,
                         scheduled_at=datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))

    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    clock.set(datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["上午的通知"]
    assert post_row(runtime, evening).status == "approved"
    with runtime.session_factory() as session:
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert any("下午的通知" in n and "2024年3月2日" in n and "12:00" in n for n in notices)

    sandbox_server.advance(24 * 3600)  # the sandbox's own day must turn too
    clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["上午的通知", "下午的通知"]
    assert [post_row(runtime, p).status for p in (morning, evening)] == ["published", "published"]
    with runtime.session_factory() as session:
        bundles = session.scalars(select(PublishBundle).order_by(PublishBundle.id)).all()
        ledger = session.scalars(select(LedgerEntry.title).order_by(LedgerEntry.id)).all()
    assert [b.msg_id is not None for b in bundles] == [True, True]
    assert len({b.client_msg_id for b in bundles}) == 2
    assert ledger == ["上午的通知", "下午的通知"]


def test_mass_send_without_an_answer_is_sent_again_with_the_same_clientmsgid_only_once(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "群发一次")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", after="drop")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["群发一次"]
    assert len(sandbox_server.state()["mass_sends"]) == 1
    assert post_row(runtime, post).status == "published"


def test_platform_mass_quota_defers_the_bundle_to_tomorrow(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "额度用完")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", errcode=45028)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock)
    clock.set(datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))
    run_publishing_pass(runtime, "w")

    assert sandbox_server.published_titles() == []
    assert post_row(runtime, post).status == "approved"
    clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    assert sandbox_server.published_titles() == ["额度用完"]


def test_busy_errors_after_an_unanswered_mass_send_never_fail_a_send_that_went_out(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="mass", account_type="subscription")
    post = queue_post(runtime, "应急演练通知")
    sendall = "cgi-bin/message/mass/sendall"
    sandbox_server.fault(path=sendall, after="drop")  # sent, but the answer is lost
    sandbox_server.fault(path=sendall, errcode=-1, times=10)  # then the repeats meet a busy platform
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock, passes=30, step_seconds=600)

    assert sandbox_server.published_titles() == ["应急演练通知"]
    assert post_row(runtime, post).status == "published"


def test_an_unanswered_mass_send_is_repeated_only_after_the_minute_wechat_asks_for(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "防汛值班安排")
    sendall = "cgi-bin/message/mass/sendall"
    sandbox_server.fault(path=sendall, after="drop")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    # Passes 20 s apart (both clocks): a repeat in the first minute would meet 45066.
    run_until_settled(runtime, clock, passes=30, step_seconds=20)

    assert sandbox_server.state()["calls"][sendall] == 2  # the send, then the 45065 repeat
    assert sandbox_server.published_titles() == ["防汛值班安排"]
    assert post_row(runtime, post).status == "published"


def test_a_repeat_refused_with_45066_is_retried_and_still_sends_once(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "秋冬季森林防火")
    sendall = "cgi-bin/message/mass/sendall"
    sandbox_server.fault(path=sendall, after="drop")
    sandbox_server.fault(path=sendall, errcode=45066, times=2)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock, passes=30, step_seconds=60)

    assert sandbox_server.state()["calls"][sendall] == 4  # the send, two refusals, the 45065 repeat
    assert sandbox_server.published_titles() == ["秋冬季森林防火"]
    assert len(sandbox_server.state()["mass_sends"]) == 1
    assert post_row(runtime, post).status == "published"


def test_repeat_of_an_unanswered_mass_send_refused_for_the_quota_is_not_sent_again_later(
    make_runtime, sandbox_server, clock
):
    # Found by the reliability suite: the first send went out unanswered, its repeat met
    # 45028, and deferring the bundle sent the posts a second time in a new one.
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "群发配额")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", after="drop")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", errcode=45028)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock)
    sandbox_server.advance(24 * 3600)
    clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["群发配额"]
    assert len(sandbox_server.state()["mass_sends"]) == 1
    assert post_row(runtime, post).status == "published"


def test_an_unverified_account_fails_its_mass_send_and_tells_the_author_why(make_runtime, sandbox_server, clock):
    from dataclasses import replace

    from publisher.texts import publishing as texts

    state = sandbox_server.app.extensions["sandbox"]
    with state.lock:
        state.accounts = {appid: replace(a, verified=False) for appid, a in state.accounts.items()}
    runtime = make_runtime(mode="mass")
    author = add_staff(runtime)
    post = queue_post(runtime, "未认证群发", author_id=author)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == [] and sandbox_server.state()["mass_sends"] == []
    row = post_row(runtime, post)
    assert row.status == "failed" and row.failure_reason == texts.MASS_UNVERIFIED_REASON


def test_a_mass_send_refused_under_mass_protection_fails_and_tells_the_author_why(
    make_runtime, sandbox_server, clock
):
    from dataclasses import replace

    from publisher.texts import publishing as texts

    state = sandbox_server.app.extensions["sandbox"]
    with state.lock:
        state.accounts = {appid: replace(a, mass_protection=True) for appid, a in state.accounts.items()}
    runtime = make_runtime(mode="mass")
    author = add_staff(runtime)
    post = queue_post(runtime, "群发保护", author_id=author)
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", protection="refuse")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == []
    row = post_row(runtime, post)
    assert row.status == "failed"
    assert row.failure_reason == texts.MASS_PLAIN_FAILURE.format(status="SEND_FAIL")
