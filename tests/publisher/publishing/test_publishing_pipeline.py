"""The pipeline against the sandbox over HTTP, with the real wechatpy client."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from publisher.db import transaction
from publisher.models import LedgerEntry, PublishBundle, Task
from publisher.publishing.runner import run_publishing_pass
from publisher.background.jobs import run_due_tasks
from tests.conftest import BEIJING
from tests.publishing_support import (
    add_staff,
    post_row,
    queue_post,
    run_until_settled,
)


def _notices(runtime) -> list[str]:
    with runtime.session_factory() as session:
        return [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]


def test_posts_of_a_slot_go_out_as_one_freepublish_bundle_with_ledger_rows_and_links(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="freepublish")
    author = add_staff(runtime)
    first = queue_post(runtime, "春耕备耕工作部署会召开", author_id=author, body_picture=True)
    second = queue_post(runtime, "防汛演练", author_id=author, priority=5)

    run_publishing_pass(runtime, "w")
    assert sandbox_server.published_titles() == []  # 10:00: the 12:00 slot is not due yet

    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["防汛演练", "春耕备耕工作部署会召开"]  # priority first
    posts = [post_row(runtime, first), post_row(runtime, second)]
    assert {p.status for p in posts} == {"published"}
    assert all(p.article_url and p.article_url.startswith(sandbox_server.url) for p in posts)
    with runtime.session_factory() as session:
        rows = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        bundle = session.scalar(select(PublishBundle))
    assert [r.title for r in rows] == ["防汛演练", "春耕备耕工作部署会召开"]
    assert [r.external_key for r in rows] == [f"wechat:{bundle.article_id}:1", f"wechat:{bundle.article_id}:2"]
    assert any(posts[0].article_url in text for text in _notices(runtime))


def test_post_scheduled_for_7am_beijing_on_new_year_goes_out_then_and_counts_in_2024(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    wished = datetime(2024, 1, 1, 7, 0, tzinfo=BEIJING)  # 2023-12-31 23:00 UTC
    clock.set(datetime(2023, 12, 31, 20, 0, tzinfo=BEIJING))
    post = queue_post(runtime, "新年贺词", scheduled_at=wished)

    clock.set(wished - timedelta(minutes=1))
    run_publishing_pass(runtime, "w")
    assert sandbox_server.published_titles() == []

    clock.set(wished)
    run_until_settled(runtime, clock)

    row = post_row(runtime, post)
    assert row.status == "published"
    assert row.published_at == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    with runtime.session_factory() as session:
        entry = session.scalar(select(LedgerEntry))
    assert entry.disclosed_on == date(2024, 1, 1)


def test_two_workers_started_at_once_publish_each_bundle_once(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    titles = [f"第{i}篇" for i in range(1, 6)]
    for title in titles:
        queue_post(runtime, title)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    start = threading.Barrier(2)
    errors = []

    def work(name: str) -> None:
        try:
            start.wait()
            for _ in range(4):
                run_publishing_pass(runtime, name)
        except Exception as exc:  # noqa: BLE001  (reported below: a thread's exception would be lost)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(sandbox_server.published_titles()) == sorted(titles)
    with runtime.session_factory() as session:
        assert [b.status for b in session.scalars(select(PublishBundle))] == ["published"]


def test_withdrawing_before_submission_takes_the_post_out_and_rebuilds_the_draft(
    make_runtime, sandbox_server, clock
):
    from publisher.services.audit import Actor
    from publisher.models import Post
    from publisher.publishing import actions

    runtime = make_runtime()
    author = add_staff(runtime)
    keep = queue_post(runtime, "留下的", author_id=author)
    leave = queue_post(runtime, "撤回的", author_id=author)
    sandbox_server.fault(path="cgi-bin/freepublish/submit", errcode=-1)  # stop after the draft
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_publishing_pass(runtime, "w")
    with runtime.session_factory() as session:
        old_draft = session.scalar(select(PublishBundle)).draft_media_id
    assert old_draft

    with transaction(runtime.session_factory) as session:
        reply = actions.withdraw(session, session.get(Post, leave), actor=Actor.staff(author), clock=clock)
    assert "已撤回" in reply
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["留下的"]
    assert [post_row(runtime, p).status for p in (keep, leave)] == ["published", "draft"]
    run_due_tasks(runtime)  # the stale draft is deleted in the background
    assert sandbox_server.state()["drafts"] == []


def test_withdrawing_after_submission_is_refused_as_too_late(make_runtime, sandbox_server, clock):
    from publisher.services.audit import Actor
    from publisher.models import Post
    from publisher.publishing import actions

    runtime = make_runtime()
    author = add_staff(runtime)
    post = queue_post(runtime, "已提交的", author_id=author)
    sandbox_server.fault(path="cgi-bin/freepublish/get", errcode=-1)  # keep it "submitted" a pass
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_publishing_pass(runtime, "w")

    with transaction(runtime.session_factory) as session, pytest.raises(actions.Refused, match="来不及撤回"):
        actions.withdraw(session, session.get(Post, post), actor=Actor.staff(author), clock=clock)
    run_until_settled(runtime, clock)
    assert post_row(runtime, post).status == "published"


def test_tick_landing_seconds_after_the_slot_still_publishes_the_slot(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "秋收进度通报")
    clock.set(datetime(2024, 3, 1, 12, 0, 30, tzinfo=BEIJING))  # the scheduler ticks on its own second

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["秋收进度通报"]
    assert post_row(runtime, post).status == "published"


def test_worker_whose_lease_ran_out_mid_upload_stops_instead_of_publishing_a_second_time(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    post = queue_post(runtime, "慢上传的")
    gateway = runtime.gateway("default")
    upload = gateway.upload_thumb
    stalled = []

    def slow_upload(data, name):
        if not stalled:  # worker A stalls past its lease; worker B takes the bundle meanwhile
            stalled.append(name)
            clock.advance(minutes=6)
            run_until_settled(runtime, clock)
        return upload(data, name)

    gateway.upload_thumb = slow_upload
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_publishing_pass(runtime, "worker-a")

    assert sandbox_server.published_titles() == ["慢上传的"]
    assert post_row(runtime, post).status == "published"
    with runtime.session_factory() as session:
        assert [b.status for b in session.scalars(select(PublishBundle))] == ["published"]


def _a_bundle_then_another_post(runtime, clock) -> tuple[int, int, int]:
    """A bundle of one post (坏批次) made at noon, then a second post queued (好批次): the
    bundle's id and both posts' ids."""
    from publisher.publishing.queue import materialize_due
    from publisher.services.accounts import account_context

    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    broken_post = queue_post(runtime, "坏批次")
    with transaction(runtime.session_factory) as session:
        broken, = materialize_due(session, account_context(session, runtime.settings, "default"), runtime.settings, runtime.clock)
    return broken, broken_post, queue_post(runtime, "好批次")


def test_a_bundle_that_raises_is_set_aside_and_the_next_one_still_publishes_in_the_same_pass(
    make_runtime, sandbox_server, clock, monkeypatch
):
    from publisher.publishing import pipeline

    runtime = make_runtime()
    broken, broken_post, good_post = _a_bundle_then_another_post(runtime, clock)
    real_advance = pipeline._advance

    def advance(work, start):
        if work.bundle_id == broken:
            raise RuntimeError("corrupt bundle row")
        return real_advance(work, start)

    monkeypatch.setattr(pipeline, "_advance", advance)

    run_publishing_pass(runtime, "w")

    assert len(sandbox_server.state()["publish_jobs"]) == 1  # the good bundle, in the same pass
    with runtime.session_factory() as session:
        bad = session.get(PublishBundle, broken)
        assert bad.status == "pending" and bad.attempts == 1 and bad.claimed_by is None
        assert "RuntimeError" in bad.last_error and "corrupt bundle row" in bad.last_error
        assert bad.next_attempt_at > runtime.clock.now()
    for _ in range(3):
        clock.advance(seconds=1)
        run_publishing_pass(runtime, "w")
    assert sandbox_server.published_titles() == ["好批次"]
    assert post_row(runtime, good_post).status == "published"
    assert post_row(runtime, broken_post).status == "publishing"

    for _ in range(8):  # still raising: the bundle, which sent nothing, fails with a reason
        clock.advance(hours=1)
        run_publishing_pass(runtime, "w")
    row = post_row(runtime, broken_post)
    assert row.status == "failed" and "内部错误" in row.failure_reason
    assert sandbox_server.published_titles() == ["好批次"]


def test_a_bundle_that_cannot_be_read_with_its_claim_is_set_aside_and_the_next_one_still_publishes(
    make_runtime, sandbox_server, clock, monkeypatch
):
    """The first read of a bundle runs in the claim's transaction: one that raises there (a
    corrupt row, a bug) must not undo the claim's commit and end every pass at that bundle."""
    from publisher.publishing import article

    runtime = make_runtime()
    broken, broken_post, good_post = _a_bundle_then_another_post(runtime, clock)
    real_pending_uploads = article.pending_uploads

    def pending_uploads(session, post_ids):
        if broken_post in post_ids:
            raise RuntimeError("unreadable picture row")
        return real_pending_uploads(session, post_ids)

    monkeypatch.setattr(article, "pending_uploads", pending_uploads)

    run_publishing_pass(runtime, "w")

    assert sandbox_server.published_titles() == ["好批次"]
    assert post_row(runtime, good_post).status == "published"
    with runtime.session_factory() as session:
        bad = session.get(PublishBundle, broken)
        assert bad.status == "pending" and bad.attempts == 1 and bad.claimed_by is None
        assert "unreadable picture row" in bad.last_error
        assert bad.next_attempt_at > runtime.clock.now()


@pytest.mark.parametrize("mode", ["freepublish", "mass"])
def test_post_out_at_23_59_59_on_31_december_but_polled_after_midnight_counts_in_the_old_year(
    make_runtime, sandbox_server, clock, mode
):
    # Found by the reliability suite (tests/reliability/test_clocks.py): the poll's own time
    # was recorded, so the article counted in the new year's report.
    from publisher.services.ledger import local_day

    sandbox_now = datetime.fromtimestamp(sandbox_server.app.extensions["sandbox"].clock.now(), BEIJING)
    last_second = datetime(sandbox_now.year, 12, 31, 23, 59, 59, tzinfo=BEIJING)
    if last_second - sandbox_now < timedelta(minutes=1):
        last_second = last_second.replace(year=last_second.year + 1)
    # The sandbox's clock runs on in real time: 20 s behind govpost's, a loaded machine still
    # reaches the submit before WeChat's midnight, and both clocks agree on the year.
    sandbox_server.advance((last_second - sandbox_now).total_seconds() - 20)
    runtime = make_runtime(mode=mode)
    post = queue_post(runtime, "岁末公告", scheduled_at=last_second)
    clock.set(last_second)
    sandbox_server.fault(path="cgi-bin/freepublish/get" if mode == "freepublish" else "cgi-bin/message/mass/get",
                         errcode=-1)

    run_until_settled(runtime, clock)

    with runtime.session_factory() as session:
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == post))
    assert local_day(runtime.clock.now(), BEIJING).year == last_second.year + 1
    assert entry.disclosed_on.year == last_second.year


def test_a_job_polled_done_on_its_submit_day_costs_no_published_list_call_and_counts_that_day(
    make_runtime, sandbox_server, clock
):
    # freepublish/get gives no time; the published list (freepublish/batchget) was read
    # after every polled success to learn it, one call per bundle more than the bare API
    # loop. Submitted and polled on the same 北京时间 day, the ledger day is certain.
    runtime = make_runtime(mode="freepublish")
    queue_post(runtime, "秋收进度通报")
    noon = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
    clock.set(noon)

    run_until_settled(runtime, clock)

    calls = sandbox_server.state()["calls"]
    assert calls.get("cgi-bin/freepublish/get", 0) >= 1
    assert calls.get("cgi-bin/freepublish/batchget", 0) == 0
    with runtime.session_factory() as session:
        entry = session.scalar(select(LedgerEntry))
    assert entry.disclosed_on == noon.date()


def test_a_posts_pictures_are_uploaded_without_a_commit_between_them(make_runtime, sandbox_server, clock,
                                                                     monkeypatch):
    from publisher.publishing import pipeline

    runtime = make_runtime()
    queue_post(runtime, "三张图的", body_picture=True)
    units = []
    unit = pipeline.BundleWork.unit
    monkeypatch.setattr(pipeline.BundleWork, "unit", lambda self: units.append(1) or unit(self))
    gateway = runtime.gateway("default")
    units_at_upload = []
    for name in ("upload_thumb", "upload_body_image"):
        original = getattr(gateway, name)

        def counting(data, filename, original=original):
            units_at_upload.append(len(units))
            return original(data, filename)

        setattr(gateway, name, counting)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    assert sandbox_server.published_titles() == ["三张图的"]
    # Each picture's result used to be its own unit (commit, row lock, lease renewal); now
    # one unit after the uploads keeps them all.
    assert len(units_at_upload) == 2 and len(set(units_at_upload)) == 1


def test_an_upload_failing_half_way_keeps_the_pictures_uploaded_before_it(make_runtime, sandbox_server, clock):
    from publisher.models import PostImage
    from publisher.wechat import TransientError

    runtime = make_runtime()
    post = queue_post(runtime, "第二张传不上的", body_picture=True)
    gateway = runtime.gateway("default")

    def failing(data, name):
        raise TransientError(None, "connection reset")

    gateway.upload_body_image = failing
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_publishing_pass(runtime, "worker-a")
    with runtime.session_factory() as session:
        cover = session.scalar(select(PostImage).where(PostImage.post_id == post, PostImage.is_cover.is_(True)))
        assert cover.thumb_media_id is not None
    assert sandbox_server.published_titles() == []
