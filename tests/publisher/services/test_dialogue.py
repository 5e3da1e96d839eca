"""The open-draft dialogue's table, answered without the webhook: each state and what it accepts."""
from __future__ import annotations

from sqlalchemy import select

from publisher.db import transaction
from publisher.models import PostBlock, Staff
from publisher.services import dialogue, drafting
from publisher.services.audit import Actor
from publisher.services.dialogue import ANY, State
from publisher.texts import chat as texts


def _member(session, account, clock) -> Staff:
    member = Staff(account_id=account.id, name="张三", role="editor", openid="oEditor", created_at=clock.now())
    session.add(member)
    session.flush()
    return member


def _turn(session, member, clock, msg_type, **said) -> dialogue.Turn:
    return dialogue.Turn(session=session, staff=member, actor=Actor.staff(member.id), clock=clock, msg_type=msg_type,
                         **said)


def test_every_state_answers_every_message_type():
    assert set(dialogue.STATES) == set(State)
    assert all(ANY in steps for steps in dialogue.STATES.values())


def test_a_paragraph_and_a_picture_go_into_the_open_draft(runtime, account):
    clock = runtime.clock
    with transaction(runtime.session_factory) as session:
        member = _member(session, account, clock)
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=Actor.staff(member.id),
                                   clock=clock)
        assert dialogue.state_of(session, member) is State.WRITING
        said = dialogue.answer(_turn(session, member, clock, "text", text="各村要加强巡查。", word="各村要加强巡查。"))
        assert said == texts.PARAGRAPH_ADDED.format(number=1, post_id=post.id)
        said = dialogue.answer(_turn(session, member, clock, "image", media_id="m-1"))
        assert said == texts.IMAGE_ADDED.format(number=2, post_id=post.id, cover=texts.IMAGE_IS_COVER)
        assert dialogue.answer(_turn(session, member, clock, "voice")) == texts.UNSUPPORTED_IN_DRAFT.format(post_id=post.id)
        kinds = list(session.scalars(select(PostBlock.kind).where(PostBlock.post_id == post.id).order_by(PostBlock.position)))
    assert kinds == ["text", "image"]


def test_with_no_draft_open_nothing_is_kept_and_the_likely_draft_is_named(runtime, account):
    clock = runtime.clock
    with transaction(runtime.session_factory) as session:
        member = _member(session, account, clock)
        assert dialogue.state_of(session, member) is State.IDLE
        assert dialogue.answer(_turn(session, member, clock, "text", text="你好", word="你好")) == \
            texts.UNKNOWN_COMMAND.format(word="你好")
        assert dialogue.answer(_turn(session, member, clock, "image", media_id="m-1")) == texts.IMAGE_WITHOUT_DRAFT
        assert dialogue.answer(_turn(session, member, clock, "voice")) == texts.NOTHING_TO_DO
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=Actor.staff(member.id),
                                   clock=clock)
        drafting.finish(session, staff=member, actor=Actor.staff(member.id), clock=clock,
                        settings=runtime.settings)
        assert dialogue.answer(_turn(session, member, clock, "image", media_id="m-1")) == \
            texts.IMAGE_NOT_IN_DRAFT.format(post_id=post.id, title="春耕")
        assert session.scalars(select(PostBlock).where(PostBlock.post_id == post.id)).first() is None


def test_timeout_closes_an_idle_draft_once_and_says_so(runtime, account):
    clock = runtime.clock
    minutes = runtime.settings.draft_idle_minutes
    with transaction(runtime.session_factory) as session:
        member = _member(session, account, clock)
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=Actor.staff(member.id),
                                   clock=clock)

        def close():
            return dialogue.close_if_idle(session, current=drafting.open_draft_of(session, member.id),
                                          idle_minutes=minutes,
                                          actor=Actor.staff(member.id), clock=clock,
                                          settings=runtime.settings)

        assert close() is None
        clock.advance(minutes=minutes + 1)
        assert close() == texts.DRAFT_IDLE_CLOSED.format(post_id=post.id, title="春耕", minutes=minutes)
        assert dialogue.state_of(session, member) is State.IDLE
        assert close() is None
