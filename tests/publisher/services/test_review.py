"""Review (先审后发, SPEC §5) through the service: levels, who may approve, returns, notices,
the audit trail, and two reviewers approving the same post at the same moment."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from publisher.db import transaction
from publisher.models import AuditEntry, InboundMessage, Post, Staff, Task
from publisher.models.chat import Approval
from publisher.services import drafting, review
from publisher.services.audit import Actor
from publisher.services.drafting import ChatError

AUTHOR, FIRST, SECOND, THIRD = "oAuthor", "oReviewer1", "oReviewer2", "oReviewer3"


@pytest.fixture
def team(runtime, account):
    """An editor and three reviewers, all of whom wrote to the account just now."""
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        members = {
            openid: Staff(account_id=account.id, name=name, role=role, openid=openid, created_at=now)
            for openid, name, role in [(AUTHOR, "张三", "editor"), (FIRST, "李书记", "reviewer"),
                                       (SECOND, "王镇长", "reviewer"), (THIRD, "赵主任", "admin")]
        }
        session.add_all(members.values())
        session.flush()
        for openid in members:
            wrote(session, account.id, openid, now)
        return {openid: member.id for openid, member in members.items()}


def wrote(session, account_id: int, openid: str, at, msg_type: str = "text") -> None:
    session.add(InboundMessage(account_id=account_id, dedup_key=f"{openid}:{at.isoformat()}", from_openid=openid,
                               msg_type=msg_type, raw="", received_at=at))


def with_review(runtime, **changes):
    runtime.settings = runtime.settings.with_overrides(**changes)
    return runtime.settings


def draft(runtime, author_id: int) -> int:
    with transaction(runtime.session_factory) as session:
        author = session.get(Staff, author_id)
        actor = Actor.staff(author.id)
        post = drafting.open_draft(session, staff=author, title="合作社分红大会召开", topic_name=None, actor=actor,
                                   clock=runtime.clock)
        drafting.add_paragraph(session, staff=author, text="3月1日，我镇召开合作社分红大会。", actor=actor,
                               clock=runtime.clock)
        return post.id


def submit(runtime, post_id: int, staff_id: int) -> review.Submitted:
    with transaction(runtime.session_factory) as session:
        return review.submit(session, post=session.get(Post, post_id), staff=session.get(Staff, staff_id), when=None,
                             settings=runtime.settings, actor=Actor.staff(staff_id), clock=runtime.clock)


def approve(runtime, post_id: int, reviewer_id: int) -> review.Approved:
    with transaction(runtime.session_factory) as session:
        return review.approve(session, post=session.get(Post, post_id), reviewer=session.get(Staff, reviewer_id),
                              settings=runtime.settings, actor=Actor.staff(reviewer_id), clock=runtime.clock,
                              planner=lambda post: None)


def return_post(runtime, post_id: int, reviewer_id: int, reason: str) -> review.Returned:
    with transaction(runtime.session_factory) as session:
        return review.return_post(session, post=session.get(Post, post_id), reviewer=session.get(Staff, reviewer_id),
                                  reason=reason, actor=Actor.staff(reviewer_id), clock=runtime.clock)


def status_of(runtime, post_id: int) -> str:
    with runtime.session_factory() as session:
        return session.get(Post, post_id).status


def notices_to(runtime, openid: str) -> list[str]:
    with runtime.session_factory() as session:
        tasks = session.scalars(select(Task).where(Task.kind == "send_text").order_by(Task.id))
        return [t.payload["text"] for t in tasks if t.payload["openid"] == openid]


def actions_on(runtime, post_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.post_id == post_id)
                                    .order_by(AuditEntry.id)))


def refusal(call, *args) -> str:
    with pytest.raises(ChatError) as refused:
        call(*args)
    return str(refused.value)


def submitted_post(runtime, team) -> int:
    post_id = draft(runtime, team[AUTHOR])
    submit(runtime, post_id, team[AUTHOR])
    runtime.clock.advance(minutes=5)
    return post_id


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_a_post_is_queued_once_as_many_distinct_reviewers_as_levels_approve(runtime, team, levels):
    with_review(runtime, review_levels=levels)
    post_id = submitted_post(runtime, team)
    reviewers = [team[FIRST], team[SECOND], team[THIRD]][:levels]
    for level, reviewer_id in enumerate(reviewers, start=1):
        assert status_of(runtime, post_id) == "submitted"
        result = approve(runtime, post_id, reviewer_id)
        assert (result.level, result.levels, result.final) == (level, levels, level == levels)
    assert status_of(runtime, post_id) == "approved"
    told = notices_to(runtime, AUTHOR)
    assert "审核通过" in told[-1] and len(told) == levels


def test_the_same_reviewer_approving_twice_is_refused_with_the_reason(runtime, team):
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)
    approve(runtime, post_id, team[FIRST])
    refused = refusal(approve, runtime, post_id, team[FIRST])
    assert "您已经通过了稿件" in refused and "另一位审核人" in refused and "共需 2 人" in refused
    assert status_of(runtime, post_id) == "submitted"
    assert approve(runtime, post_id, team[SECOND]).final


def test_nobody_approves_their_own_post_unless_configured(runtime, team):
    post_id = draft(runtime, team[FIRST])  # a reviewer's own article
    submit(runtime, post_id, team[FIRST])
    assert "自己写的" in refusal(approve, runtime, post_id, team[FIRST])
    assert status_of(runtime, post_id) == "submitted"

    with_review(runtime, allow_self_approval=True)
    assert approve(runtime, post_id, team[FIRST]).final


def test_an_editor_cannot_approve_or_return(runtime, team, account):
    post_id = submitted_post(runtime, team)
    with transaction(runtime.session_factory) as session:
        other = Staff(account_id=account.id, name="孙干事", role="editor", openid="oEditor2",
                      created_at=runtime.clock.now())
        session.add(other)
        session.flush()
        editor_id = other.id
    assert "审核人" in refusal(approve, runtime, post_id, editor_id)
    assert "审核人" in refusal(return_post, runtime, post_id, editor_id, "标题不妥")
    assert status_of(runtime, post_id) == "submitted"


def test_a_return_at_level_two_makes_the_resubmission_need_every_level_again(runtime, team):
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)
    approve(runtime, post_id, team[FIRST])
    return_post(runtime, post_id, team[SECOND], "第二段人名有误")
    assert status_of(runtime, post_id) == "returned"
    assert "第二段人名有误" in notices_to(runtime, AUTHOR)[-1]

    submit(runtime, post_id, team[AUTHOR])
    with runtime.session_factory() as session:
        assert review.approvals_of(session, session.get(Post, post_id)) == []
    # The first reviewer's approval was of the earlier submission: it is needed again.
    assert not approve(runtime, post_id, team[SECOND]).final
    assert approve(runtime, post_id, team[FIRST]).final


def test_a_return_the_same_second_as_the_resubmission_still_resets_the_approvals(runtime, team):
    """The clock does not move here: a fast author resubmits within the same instant."""
    with_review(runtime, review_levels=2)
    post_id = draft(runtime, team[AUTHOR])
    submit(runtime, post_id, team[AUTHOR])
    approve(runtime, post_id, team[FIRST])
    return_post(runtime, post_id, team[SECOND], "第二段人名有误")
    submit(runtime, post_id, team[AUTHOR])
    assert not approve(runtime, post_id, team[FIRST]).final
    assert approve(runtime, post_id, team[SECOND]).final


def test_a_return_needs_a_reason(runtime, team):
    post_id = submitted_post(runtime, team)
    assert "要写原因" in refusal(return_post, runtime, post_id, team[FIRST], "  ")
    assert status_of(runtime, post_id) == "submitted"


def test_with_review_switched_off_submit_queues_directly(runtime, team):
    with_review(runtime, review_enabled=False)
    post_id = draft(runtime, team[AUTHOR])
    result = submit(runtime, post_id, team[AUTHOR])
    assert result.queued and status_of(runtime, post_id) == "approved"
    assert notices_to(runtime, FIRST) == []
    assert "post.queue" in actions_on(runtime, post_id)


def test_reviewers_are_told_on_submit_and_the_next_ones_after_a_partial_approval(runtime, team):
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)
    for openid in (FIRST, SECOND, THIRD):
        assert "等待您审核" in notices_to(runtime, openid)[-1]
    assert notices_to(runtime, AUTHOR) == []

    approve(runtime, post_id, team[FIRST])
    assert "第 1/2 级" in notices_to(runtime, AUTHOR)[-1]
    assert len(notices_to(runtime, FIRST)) == 1  # not told again about what they just did
    assert len(notices_to(runtime, SECOND)) == 2 and len(notices_to(runtime, THIRD)) == 2


def test_every_step_of_review_is_audited(runtime, team):
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)
    approve(runtime, post_id, team[FIRST])
    return_post(runtime, post_id, team[SECOND], "第二段人名有误")
    runtime.clock.advance(minutes=5)
    submit(runtime, post_id, team[AUTHOR])
    approve(runtime, post_id, team[FIRST])
    approve(runtime, post_id, team[SECOND])
    steps = [a for a in actions_on(runtime, post_id) if a.startswith(("post.", "review."))]
    assert steps == ["post.submit", "review.approve", "post.return", "post.submit", "review.approve",
                     "review.approve", "post.approve"]
    with runtime.session_factory() as session:
        returned = session.scalar(select(AuditEntry).where(AuditEntry.action == "post.return"))
        assert returned.detail["reason"] == "第二段人名有误" and returned.actor == f"staff:{team[SECOND]}"


def test_two_reviewers_approving_at_the_same_moment_both_count(runtime, team, monkeypatch):
    """Each reads the approvals, then waits (briefly) for the other to have read them too, as two
    webhook requests landing together would. Neither may miss the other's approval."""
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)

    arrived = {FIRST: threading.Event(), SECOND: threading.Event()}
    reader = threading.local()
    read = review.approvals_of

    def approvals_read_together(session, post):
        approvals = read(session, post)
        me, other = (FIRST, SECOND) if reader.openid == FIRST else (SECOND, FIRST)
        arrived[me].set()
        arrived[other].wait(timeout=1.0)
        return approvals

    monkeypatch.setattr(review, "approvals_of", approvals_read_together)
    results, errors = {}, []

    def approve_as(openid):
        reader.openid = openid
        try:
            results[openid] = approve(runtime, post_id, team[openid])
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=approve_as, args=(openid,)) for openid in (FIRST, SECOND)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sorted(r.level for r in results.values()) == [1, 2]
    assert [r.final for r in results.values()].count(True) == 1
    assert status_of(runtime, post_id) == "approved"
    with runtime.session_factory() as session:
        levels = session.scalars(select(Approval.level).where(Approval.post_id == post_id)).all()
    assert sorted(levels) == [1, 2]


def test_reviewers_silent_for_48_hours_are_named_not_sent_a_notice_wechat_would_refuse(runtime, team, account):
    runtime.clock.advance(hours=49)
    with transaction(runtime.session_factory) as session:
        wrote(session, account.id, AUTHOR, runtime.clock.now())
        wrote(session, account.id, SECOND, runtime.clock.now() - timedelta(hours=47))
    post_id = draft(runtime, team[AUTHOR])

    result = submit(runtime, post_id, team[AUTHOR])

    assert result.told == ["王镇长"] and sorted(result.unreachable) == ["李书记", "赵主任"]
    assert len(notices_to(runtime, SECOND)) == 1
    assert notices_to(runtime, FIRST) == [] and notices_to(runtime, THIRD) == []


def test_a_reviewer_whose_only_recent_contact_is_a_menu_click_is_not_counted_reachable(runtime, team, account):
    # WeChat opens only a one-minute window for a click, follow or scan, not 48 hours.
    runtime.clock.advance(hours=49)
    with transaction(runtime.session_factory) as session:
        wrote(session, account.id, AUTHOR, runtime.clock.now())
        wrote(session, account.id, SECOND, runtime.clock.now() - timedelta(hours=1), msg_type="event")
    post_id = draft(runtime, team[AUTHOR])

    result = submit(runtime, post_id, team[AUTHOR])

    assert "王镇长" in result.unreachable
    assert notices_to(runtime, SECOND) == []


def test_a_return_to_an_author_silent_for_48_hours_names_them_to_the_reviewer(runtime, team, account):
    post_id = submitted_post(runtime, team)
    runtime.clock.advance(hours=49)
    with transaction(runtime.session_factory) as session:
        wrote(session, account.id, FIRST, runtime.clock.now())

    result = return_post(runtime, post_id, team[FIRST], "第二段人名有误")

    assert result.author_unreachable == "张三"
    assert notices_to(runtime, AUTHOR) == []
    assert status_of(runtime, post_id) == "returned"


def test_an_approval_names_the_next_reviewers_wechat_cannot_reach(runtime, team, account):
    with_review(runtime, review_levels=2)
    post_id = submitted_post(runtime, team)
    runtime.clock.advance(hours=49)
    with transaction(runtime.session_factory) as session:
        wrote(session, account.id, FIRST, runtime.clock.now())
        wrote(session, account.id, AUTHOR, runtime.clock.now())

    result = approve(runtime, post_id, team[FIRST])

    assert sorted(result.next_unreachable) == ["王镇长", "赵主任"] and result.author_unreachable is None
    assert "第 1/2 级" in notices_to(runtime, AUTHOR)[-1]


def test_a_reviewer_sent_five_notices_since_writing_is_named_until_they_write_again(runtime, team, account):
    for _ in range(5):  # five posts submitted in a row: each notice reaches the silent reviewers
        runtime.clock.advance(minutes=10)
        submit(runtime, draft(runtime, team[AUTHOR]), team[AUTHOR])
    assert len(notices_to(runtime, FIRST)) == 5

    runtime.clock.advance(minutes=10)
    sixth = submit(runtime, draft(runtime, team[AUTHOR]), team[AUTHOR])

    assert sorted(sixth.unreachable) == ["李书记", "王镇长", "赵主任"] and sixth.told == []
    assert len(notices_to(runtime, FIRST)) == 5  # a sixth would only meet 45047
    with transaction(runtime.session_factory) as session:
        wrote(session, account.id, FIRST, runtime.clock.now())
    runtime.clock.advance(minutes=10)
    seventh = submit(runtime, draft(runtime, team[AUTHOR]), team[AUTHOR])
    assert seventh.told == ["李书记"]
