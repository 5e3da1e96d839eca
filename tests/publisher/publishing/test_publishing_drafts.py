"""Leftover drafts: whatever happened on the way (a lost draft/add answer, a worker killed
before it recorded its draft, a job that failed, a bundle deferred), once the bundles have
settled and the background tasks have run, the draft box holds no draft govpost made, and
every article went out exactly as often as it should."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from publisher.background.jobs import run_due_tasks
from publisher.models import PublishBundle
from publisher.publishing import pipeline
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.publishing_support import post_row, queue_post, run_until_settled

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
DRAFT_ADD = "cgi-bin/draft/add"
SUBMIT = "cgi-bin/freepublish/submit"


def _settle(runtime, clock, **kwargs) -> None:
    run_until_settled(runtime, clock, **kwargs)
    while run_due_tasks(runtime):
        pass


def _draft_box(sandbox_server) -> list[list[str]]:
    return [d["titles"] for d in sandbox_server.state()["drafts"]]


@pytest.mark.parametrize("fault", [{"after": "drop"}, {"after": "hang", "hang": 3}],
                         ids=["dropped connection", "no answer in time"])
def test_a_draft_whose_answer_was_lost_is_removed_and_the_post_goes_out_once(
    make_runtime, sandbox_server, clock, fault
):
    runtime = make_runtime()
    post = queue_post(runtime, "乡村振兴推进会")
    sandbox_server.fault(path=DRAFT_ADD, **fault)
    clock.set(NOON)

    _settle(runtime, clock)

    assert sandbox_server.published_titles() == ["乡村振兴推进会"]
    assert post_row(runtime, post).status == "published"
    assert _draft_box(sandbox_server) == []


def test_a_draft_whose_answer_was_lost_is_removed_in_mass_mode_too(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    queue_post(runtime, "群发通知")
    sandbox_server.fault(path=DRAFT_ADD, after="drop")
    clock.set(NOON)

    _settle(runtime, clock)

    assert sandbox_server.published_titles() == ["群发通知"]
    assert _draft_box(sandbox_server) == []


def test_a_draft_made_by_a_worker_that_died_before_recording_it_is_removed(
    make_runtime, sandbox_server, clock, monkeypatch
):
    """As a SIGKILL right after draft/add answered (tests/e2e/test_kill_publishing.py kills a
    real process there): the draft exists, the database does not know it."""
    runtime = make_runtime()
    queue_post(runtime, "平安建设宣传")
    queue_post(runtime, "法治宣传进村")

    class Killed(Exception):
        pass

    def die_once(name: str) -> None:
        if name == "draft_unrecorded":
            monkeypatch.setattr(pipeline, "crash_point", lambda name: None)
            raise Killed(name)

    monkeypatch.setattr(pipeline, "crash_point", die_once)
    clock.set(NOON)
    run_publishing_pass(runtime, "dying-worker")  # the pass sets the bundle aside
    assert _draft_box(sandbox_server) == [["平安建设宣传", "法治宣传进村"]]

    _settle(runtime, clock)

    assert sorted(sandbox_server.published_titles()) == ["平安建设宣传", "法治宣传进村"]
    assert _draft_box(sandbox_server) == []


@pytest.mark.parametrize("status", [2, 3, 4])
def test_the_draft_of_a_job_that_failed_is_removed(make_runtime, sandbox_server, clock, status):
    runtime = make_runtime()
    post = queue_post(runtime, "党组织建设")
    sandbox_server.fault(path=SUBMIT, publish_status=status)
    clock.set(NOON)

    _settle(runtime, clock)

    assert post_row(runtime, post).status == "failed"
    assert _draft_box(sandbox_server) == []


def test_one_article_failing_review_leaves_only_the_published_resubmission(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    for title in ("第一篇", "第二篇", "第三篇"):
        queue_post(runtime, title)
    sandbox_server.fault(path=SUBMIT, publish_status=4, fail_idx=[2])
    clock.set(NOON)

    _settle(runtime, clock)

    assert sorted(sandbox_server.published_titles()) == ["第一篇", "第三篇"]
    assert _draft_box(sandbox_server) == []


def test_the_draft_of_a_failed_mass_send_is_removed(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "群发失败")
    sandbox_server.fault(path="cgi-bin/message/mass/sendall", mass_status="err(30003)")
    clock.set(NOON)

    _settle(runtime, clock)

    assert post_row(runtime, post).status == "failed"
    assert _draft_box(sandbox_server) == []


@pytest.mark.parametrize("errcode", [45009, 53503], ids=["deferred by the quota", "refused by the check"])
def test_the_draft_of_a_bundle_ended_at_submit_is_removed(make_runtime, sandbox_server, clock, errcode):
    runtime = make_runtime()
    queue_post(runtime, "生态环保检查")
    sandbox_server.fault(path=SUBMIT, errcode=errcode)
    clock.set(NOON)

    _settle(runtime, clock)

    assert sandbox_server.published_titles() == []
    assert _draft_box(sandbox_server) == []


def test_an_unanswered_submit_keeps_its_draft_until_it_is_known_to_be_unused(make_runtime, sandbox_server, clock):
    """The draft of a submit with no answer may still be submitted again (once any job it
    started would have ended): it is never deleted while the bundle is in flight, and it
    goes out once."""
    runtime = make_runtime()
    queue_post(runtime, "冬季防火提示")
    sandbox_server.fault(path=SUBMIT, http_status=502)
    clock.set(NOON)
    for _ in range(5):
        run_publishing_pass(runtime, "w")
        run_due_tasks(runtime)
        clock.advance(minutes=1)
    with runtime.session_factory() as session:
        assert session.scalars(select(PublishBundle.status)).all() == ["submitting"]
    assert _draft_box(sandbox_server) == [["冬季防火提示"]]

    _settle(runtime, clock, passes=30, step_seconds=300)

    assert sandbox_server.published_titles() == ["冬季防火提示"]
    assert _draft_box(sandbox_server) == []
