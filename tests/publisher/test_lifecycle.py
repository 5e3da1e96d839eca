from itertools import product

import pytest
from sqlalchemy import select

from publisher.services.audit import SYSTEM
from publisher.lifecycle import TRANSITIONS, Event, IllegalTransition, Status, next_status, transition
from publisher.models import AuditEntry, Post

LEGAL = sorted(TRANSITIONS.items(), key=lambda item: (item[0][0].value, item[0][1].value))
ILLEGAL = [(s, e) for s, e in product(Status, Event) if (s, e) not in TRANSITIONS]


@pytest.mark.parametrize(("start_event", "end"), LEGAL, ids=lambda v: getattr(v, "value", str(v)))
def test_every_legal_transition_reaches_its_status(start_event, end):
    start, event = start_event
    assert next_status(start.value, event) is end


@pytest.mark.parametrize(("start", "event"), ILLEGAL, ids=lambda v: v.value)
def test_every_illegal_transition_is_refused_in_chinese(start, event):
    with pytest.raises(IllegalTransition) as refused:
        next_status(start.value, event, post_id=7)
    assert "稿件 7" in str(refused.value) and "不能" in str(refused.value)


def test_the_main_road_from_draft_to_published():
    status = Status.DRAFT
    for event in (Event.SUBMIT, Event.APPROVE, Event.START_PUBLISHING, Event.PUBLISH_SUCCEEDED):
        status = next_status(status.value, event)
    assert status is Status.PUBLISHED


def test_published_posts_cannot_be_withdrawn_only_deleted():
    with pytest.raises(IllegalTransition):
        next_status("published", Event.WITHDRAW)
    assert next_status("published", Event.DELETE) is Status.DELETED


def test_unknown_stored_status_is_refused_not_guessed():
    with pytest.raises(IllegalTransition):
        next_status("archived", Event.SUBMIT)


def _post(session, account, clock, status="draft"):
    post = Post(
        account_id=account.id, title="春耕备耕", status=status, created_at=clock.now(), updated_at=clock.now()
    )
    session.add(post)
    session.flush()
    return post


def test_transition_changes_status_and_writes_the_audit_entry(session_factory, account, clock):
    with session_factory.begin() as session:
        post = _post(session, account, clock)
        transition(session, post, Event.SUBMIT, actor=SYSTEM, clock=clock, detail={"note": "x"})
        post_id = post.id
    with session_factory() as session:
        assert session.get(Post, post_id).status == "submitted"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.post_id == post_id)).one()
        assert entry.action == "post.submit"
        assert entry.detail == {"from": "draft", "to": "submitted", "note": "x"}
        assert entry.at == clock.now()


def test_illegal_transition_changes_nothing_and_writes_no_audit(session_factory, account, clock):
    with session_factory.begin() as session:
        post_id = _post(session, account, clock, status="published").id
    with pytest.raises(IllegalTransition), session_factory.begin() as session:
        transition(session, session.get(Post, post_id), Event.APPROVE, actor=SYSTEM, clock=clock)
    with session_factory() as session:
        assert session.get(Post, post_id).status == "published"
        assert session.scalars(select(AuditEntry).where(AuditEntry.post_id == post_id)).all() == []
