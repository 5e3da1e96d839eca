"""The fault suite: each fault the sandbox can inject, the final state, and how many
articles really went out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from publisher.models import LedgerEntry, PublishBundle, Task
from publisher.publishing.runner import run_publishing_pass
from publisher.sandbox import publishing
from publisher.wechat import WeChatGateway
from tests.conftest import BEIJING
from tests.publishing_support import (
    add_staff,
    post_row,
    queue_post,
    run_until_settled,
)

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
SUBMIT = "cgi-bin/freepublish/submit"


def _bundles(runtime) -> list[PublishBundle]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(PublishBundle).order_by(PublishBundle.id)))


def _ledger_titles(runtime) -> list[str]:
    with runtime.session_factory() as session:
        return sorted(session.scalars(select(LedgerEntry.title)))


def _notices(runtime) -> list[str]:
    with runtime.session_factory() as session:
        return [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]


def test_submit_applied_but_unanswered_is_reconciled_not_repeated(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "乡村振兴推进会")
    sandbox_server.fault(path=SUBMIT, after="hang", hang=3)
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["乡村振兴推进会"]
    assert post_row(runtime, post).status == "published"
    assert _ledger_titles(runtime) == ["乡村振兴推进会"]


def test_dropped_connection_after_submit_is_reconciled_not_repeated(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    queue_post(runtime, "平安建设宣传")
    queue_post(runtime, "法治宣传进村")
    sandbox_server.fault(path=SUBMIT, after="drop")
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sorted(sandbox_server.published_titles()) == ["平安建设宣传", "法治宣传进村"]
    assert [b.status for b in _bundles(runtime)] == ["published"]


def test_daily_api_quota_defers_to_the_next_day_and_tells_the_author(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    author = add_staff(runtime)
    post = queue_post(runtime, "生态环保检查", author_id=author)
    sandbox_server.fault(path=SUBMIT, errcode=45009)
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == []
    assert post_row(runtime, post).status == "approved"
    assert [b.status for b in _bundles(runtime)] == ["deferred"]
    assert any("2024年3月2日" in text and "生态环保检查" in text for text in _notices(runtime))

    clock.set(datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))  # the same day: still closed
    run_until_settled(runtime, clock)
    assert sandbox_server.published_titles() == []

    clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    assert sandbox_server.published_titles() == ["生态环保检查"]
    assert post_row(runtime, post).status == "published"


def test_burst_of_system_busy_errors_is_retried_with_backoff(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "民生改善项目")
    sandbox_server.fault(path=SUBMIT, errcode=-1, times=3)
    clock.set(NOON)

    run_until_settled(runtime, clock, passes=20)

    assert sandbox_server.published_titles() == ["民生改善项目"]
    assert post_row(runtime, post).status == "published"


def test_busy_errors_that_never_stop_fail_the_bundle_with_a_reason(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "综治维稳工作")
    sandbox_server.fault(path=SUBMIT, errcode=-1, times=50)
    clock.set(NOON)

    run_until_settled(runtime, clock, passes=30, step_seconds=1800)

    assert sandbox_server.published_titles() == []
    row = post_row(runtime, post)
    assert row.status == "failed" and "多次尝试" in row.failure_reason


def test_token_refused_once_is_refreshed_and_the_submit_goes_through(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "主题教育")
    sandbox_server.fault(path=SUBMIT, errcode=40001)
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["主题教育"]
    assert post_row(runtime, post).status == "published"


def test_platform_rejecting_one_article_of_three_fails_it_and_requeues_the_others(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    author = add_staff(runtime)
    first = queue_post(runtime, "第一篇", author_id=author)
    second = queue_post(runtime, "第二篇", author_id=author)
    third = queue_post(runtime, "第三篇", author_id=author)
    sandbox_server.fault(path=SUBMIT, publish_status=4, fail_idx=[2])
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sorted(sandbox_server.published_titles()) == ["第一篇", "第三篇"]
    assert [post_row(runtime, p).status for p in (first, second, third)] == ["published", "failed", "published"]
    assert post_row(runtime, second).failure_reason == "未通过微信平台审核"
    assert [b.status for b in _bundles(runtime)] == ["failed", "published"]
    assert _ledger_titles(runtime) == ["第一篇", "第三篇"]
    assert any("第二篇" in text and "未通过微信平台审核" in text for text in _notices(runtime))


def test_draft_failing_the_publish_check_fails_the_bundle_in_chinese(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "党组织建设")
    sandbox_server.fault(path=SUBMIT, errcode=53503)
    clock.set(NOON)

    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == []
    row = post_row(runtime, post)
    assert row.status == "failed" and "未通过微信发布检查" in row.failure_reason
    assert _bundles(runtime)[0].last_errcode == 53503


def test_submit_unanswered_and_never_applied_is_submitted_again_once_any_job_would_have_ended(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    post = queue_post(runtime, "冬季防火提示")
    sandbox_server.fault(path=SUBMIT, http_status=502)  # a gateway error: the submit was not applied
    clock.set(NOON)

    run_until_settled(runtime, clock, passes=30, step_seconds=300)

    assert sandbox_server.published_titles() == ["冬季防火提示"]
    assert post_row(runtime, post).status == "published"


def test_reconciling_never_resubmits_before_the_wait_has_passed(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    queue_post(runtime, "入户走访")
    sandbox_server.fault(path=SUBMIT, http_status=502)
    clock.set(NOON)
    for _ in range(9):  # nine minutes: the unanswered submit may still be in progress
        run_publishing_pass(runtime, "w")
        clock.advance(minutes=1)

    assert [b.status for b in _bundles(runtime)] == ["submitting"]
    assert sandbox_server.state()["publish_jobs"] == []


def test_scheduled_post_deferred_by_the_api_quota_is_told_once_and_truly(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    author = add_staff(runtime)
    queue_post(runtime, "防汛值班安排", author_id=author, scheduled_at=NOON)
    sandbox_server.fault(path=SUBMIT, errcode=45009)
    clock.set(NOON)

    run_until_settled(runtime, clock)
    clock.advance(hours=2)
    run_until_settled(runtime, clock)

    told = [text for text in _notices(runtime) if "防汛值班安排" in text]
    assert len(told) == 1
    assert "2024年3月2日" in told[0] and "接口" in told[0] and "群发" not in told[0]


def _list_lags(monkeypatch) -> dict:
    """freepublish/batchget answers, but does not list anything yet (a lagging list)."""
    lag = {"on": True}
    real = WeChatGateway.published_page

    def published_page(self, offset=0, count=20):
        return (0, []) if lag["on"] else real(self, offset, count)

    monkeypatch.setattr(WeChatGateway, "published_page", published_page)
    return lag


def test_dropped_submit_not_yet_listed_after_the_wait_is_not_submitted_again(
    make_runtime, sandbox_server, clock, monkeypatch
):
    runtime = make_runtime()
    post = queue_post(runtime, "秸秆禁烧通告")
    sandbox_server.fault(path=SUBMIT, after="drop")  # applied, no answer
    lag = _list_lags(monkeypatch)
    clock.set(NOON)
    for _ in range(15):  # fifteen minutes: past the reconcile wait, still not listed
        run_publishing_pass(runtime, "w")
        clock.advance(minutes=1)

    assert sandbox_server.published_titles() == ["秸秆禁烧通告"]
    assert len(sandbox_server.state()["publish_jobs"]) == 1
    assert [b.status for b in _bundles(runtime)] == ["submitting"]

    lag["on"] = False
    run_until_settled(runtime, clock, step_seconds=300)
    assert sandbox_server.published_titles() == ["秸秆禁烧通告"]
    assert post_row(runtime, post).status == "published"
    assert _ledger_titles(runtime) == ["秸秆禁烧通告"]


def test_dropped_submit_still_publishing_after_the_wait_is_not_submitted_again(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    post = queue_post(runtime, "森林防火宣传")
    state = sandbox_server.app.extensions["sandbox"]
    state.publish_delay = 3600  # the job stays "publishing" (status 1), so it is not listed
    sandbox_server.fault(path=SUBMIT, after="drop")
    clock.set(NOON)
    for _ in range(15):
        run_publishing_pass(runtime, "w")
        clock.advance(minutes=1)

    jobs = sandbox_server.state()["publish_jobs"]
    assert len(jobs) == 1 and [b.status for b in _bundles(runtime)] == ["submitting"]

    publishing._finish_job(state, jobs[0]["publish_id"], state.generation)  # the job ends well
    run_until_settled(runtime, clock, step_seconds=300)
    assert sandbox_server.published_titles() == ["森林防火宣传"]
    assert post_row(runtime, post).status == "published"


def _dropped_submit_still_publishing(runtime, sandbox_server, clock, title: str, minutes: int):
    state = sandbox_server.app.extensions["sandbox"]
    state.publish_delay = 3600  # the job stays "publishing" (status 1), so it is not listed
    sandbox_server.fault(path=SUBMIT, after="drop")
    clock.set(NOON)
    for _ in range(minutes):
        run_publishing_pass(runtime, "w")
        clock.advance(minutes=1)
    return state


def test_dropped_submit_whose_draft_stays_in_the_box_while_publishing_is_not_submitted_again(
    make_runtime, sandbox_server, clock
):
    # The sandbox's default, the stricter reading: the draft leaves only when the job ends.
    runtime = make_runtime()
    post = queue_post(runtime, "耕地保护宣传")
    state = _dropped_submit_still_publishing(runtime, sandbox_server, clock, "耕地保护宣传", minutes=40)

    jobs = sandbox_server.state()["publish_jobs"]
    assert len(jobs) == 1 and [b.status for b in _bundles(runtime)] == ["submitting"]
    assert [d["titles"] for d in sandbox_server.state()["drafts"]] == [["耕地保护宣传"]]

    publishing._finish_job(state, jobs[0]["publish_id"], state.generation)
    run_until_settled(runtime, clock, step_seconds=300)
    assert sandbox_server.published_titles() == ["耕地保护宣传"]
    assert post_row(runtime, post).status == "published"
    assert sandbox_server.state()["drafts"] == []


def test_dropped_submit_whose_draft_leaves_the_box_at_submit_is_not_submitted_again(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime()
    post = queue_post(runtime, "耕地保护宣传")
    sandbox_server.app.extensions["sandbox"].draft_leaves_at_submit = True
    state = _dropped_submit_still_publishing(runtime, sandbox_server, clock, "耕地保护宣传", minutes=40)

    jobs = sandbox_server.state()["publish_jobs"]
    assert len(jobs) == 1 and [b.status for b in _bundles(runtime)] == ["submitting"]
    assert sandbox_server.state()["drafts"] == []

    publishing._finish_job(state, jobs[0]["publish_id"], state.generation)
    run_until_settled(runtime, clock, step_seconds=300)
    assert sandbox_server.published_titles() == ["耕地保护宣传"]
    assert post_row(runtime, post).status == "published"


def test_dropped_submit_whose_job_failed_is_submitted_again_in_either_draft_box_reading(
    make_runtime, sandbox_server, clock
):
    for leaves_at_submit in (False, True):
        state = sandbox_server.app.extensions["sandbox"]
        state.reset()
        state.draft_leaves_at_submit = leaves_at_submit
        runtime = make_runtime()
        title = f"秋收安全提示{int(leaves_at_submit)}"
        post = queue_post(runtime, title)
        # Applied, unanswered, and the job fails: the draft stays (or comes back) as its backup.
        sandbox_server.fault(path=SUBMIT, after="drop", publish_status=3)
        clock.set(NOON)

        run_until_settled(runtime, clock, passes=40, step_seconds=300)

        assert sandbox_server.published_titles() == [title]
        assert post_row(runtime, post).status == "published"


def test_dropped_submit_never_found_fails_for_staff_to_check_instead_of_publishing_twice(
    make_runtime, sandbox_server, clock, monkeypatch
):
    runtime = make_runtime()
    author = add_staff(runtime)
    post = queue_post(runtime, "农村饮水安全", author_id=author)
    sandbox_server.fault(path=SUBMIT, after="drop")
    _list_lags(monkeypatch)
    clock.set(NOON)

    run_until_settled(runtime, clock, passes=200, step_seconds=300)

    assert sandbox_server.published_titles() == ["农村饮水安全"]
    assert len(sandbox_server.state()["publish_jobs"]) == 1
    row = post_row(runtime, post)
    assert row.status == "failed" and "发表记录" in row.failure_reason and "重复发布" in row.failure_reason
    assert any("农村饮水安全" in text and "发表记录" in text for text in _notices(runtime))


def test_quota_refusing_the_poll_after_the_submit_waits_instead_of_publishing_twice(
    make_runtime, sandbox_server, clock
):
    # Found by the reliability suite (tests/reliability, api_quota_45009-poll-*): the
    # refused poll deferred the submitted bundle, and its posts went out again next day.
    runtime = make_runtime()
    author = add_staff(runtime)
    post = queue_post(runtime, "防疫物资发放", author_id=author)
    sandbox_server.fault(path="cgi-bin/freepublish/get", errcode=45009)
    clock.set(NOON)

    run_until_settled(runtime, clock)
    sandbox_server.advance(24 * 3600)
    clock.set(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["防疫物资发放"]
    assert post_row(runtime, post).status == "published"
    assert _ledger_titles(runtime) == ["防疫物资发放"]
    assert [b.status for b in _bundles(runtime)] == ["published"]
