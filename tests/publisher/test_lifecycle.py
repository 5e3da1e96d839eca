from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from publisher.services.audit import SYSTEM
from publisher.lifecycle import TRANSITIONS, Event, IllegalTransition, Status, next_status, transition, transition_all
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


def test_transition_all_writes_each_posts_own_values_and_version_in_one_update(session_factory, account, clock):
    with session_factory.begin() as session:
        ids = [_post(session, account, clock, status="approved").id for _ in range(3)]
    with session_factory.begin() as session:
        posts = [session.get(Post, i) for i in ids]
        transition_all(session, [(post, None) for post in posts], Event.START_PUBLISHING, actor=SYSTEM, clock=clock,
                       changes=[{"bundle_position": n} for n in (1, 2, 3)])
        # The objects read back what was written, so a later change in the same unit flushes
        # against the new version instead of failing as stale.
        assert [(p.status, p.bundle_position, p.version) for p in posts] == [("publishing", n, 2) for n in (1, 2, 3)]
        posts[0].title = "改过的标题"
    with session_factory() as session:
        stored = [session.get(Post, i) for i in ids]
        assert [(p.status, p.bundle_position) for p in stored] == [("publishing", n) for n in (1, 2, 3)]
        assert [p.version for p in stored] == [3, 2, 2] and stored[0].title == "改过的标题"


def test_transition_all_of_a_post_changed_meanwhile_is_stale_and_changes_nothing(session_factory, account, clock):
    with session_factory.begin() as session:
        ids = [_post(session, account, clock, status="approved").id for _ in range(2)]
    bundling = session_factory()
    posts = [bundling.get(Post, i) for i in ids]
    bundling.commit()  # the posts stay loaded at version 1, as a bundler's plan read them
    with session_factory.begin() as session:  # 撤回 of the second post in between
        transition(session, session.get(Post, ids[1]), Event.WITHDRAW, actor=SYSTEM, clock=clock)
    with pytest.raises(StaleDataError):
        transition_all(bundling, [(post, None) for post in posts], Event.START_PUBLISHING, actor=SYSTEM, clock=clock)
    bundling.rollback()
    bundling.close()
    with session_factory() as session:
        assert [session.get(Post, i).status for i in ids] == ["approved", "draft"]
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "post.start_publishing")).all() == []
