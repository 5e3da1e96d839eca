"""Review (先审后发, SPEC §5) through the service: levels, who may approve, returns, notices,
the audit trail, and two reviewers approving the same post at the same moment."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from publisher import drafting, review
from publisher.audit import Actor
from publisher.db import transaction
from publisher.models import InboundMessage, Post, Staff
from publisher.models.chat import Approval

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


def wrote(session, account_id: int, openid: str, at) -> None:
    session.add(InboundMessage(account_id=account_id, dedup_key=f"{openid}:{at.isoformat()}", from_openid=openid,
                               msg_type="text", raw="", received_at=at))


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
                              settings=runtime.settings, actor=Actor.staff(reviewer_id), clock=runtime.clock)




def status_of(runtime, post_id: int) -> str:
    with runtime.session_factory() as session:
        return session.get(Post, post_id).status








def submitted_post(runtime, team) -> int:
    post_id = draft(runtime, team[AUTHOR])
    submit(runtime, post_id, team[AUTHOR])
    runtime.clock.advance(minutes=5)
    return post_id


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
