"""The chat's background work when WeChat cannot be reached: staff are told, nothing hangs."""
from __future__ import annotations

from sqlalchemy import select

from publisher import drafting
from publisher.audit import Actor
from publisher.db import transaction
from publisher.jobs import run_due_tasks
from publisher.models import PostImage, Staff, Task
from publisher.wechat import TransientError


class Unreachable:
    """A gateway whose every call fails as when WeChat cannot be reached."""

    def __getattr__(self, name):
        def call(*args, **kwargs):
            raise TransientError(None, "connection refused")
        return call


def run_until_settled(runtime, rounds: int = 20) -> None:
    for _ in range(rounds):
        runtime.clock.advance(minutes=31)  # past any backoff
        if not run_due_tasks(runtime):
            return


def test_a_picture_that_cannot_be_fetched_is_marked_failed_and_the_author_told(runtime, account):
    with transaction(runtime.session_factory) as session:
        member = Staff(account_id=account.id, name="张三", role="editor", openid="oEditor", created_at=runtime.clock.now())
        session.add(member)
        session.flush()
        actor = Actor.staff(member.id)
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=actor, clock=runtime.clock)
        drafting.add_image(session, staff=member, media_id="m-1", actor=actor, clock=runtime.clock)
        post_id = post.id
    runtime._gateways["default"] = Unreachable()

    run_until_settled(runtime)

    with runtime.session_factory() as session:
        image = session.scalars(select(PostImage).where(PostImage.post_id == post_id)).one()
        # Given up, not "still being saved" for ever: the checks say to resend it.
        assert drafting.image_state(image).failed
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert any("没能从微信取回" in text for text in notices)
