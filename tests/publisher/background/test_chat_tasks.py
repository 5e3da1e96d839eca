"""The chat's background work when WeChat cannot be reached: staff are told, nothing hangs."""
from __future__ import annotations

from sqlalchemy import select

from publisher.db import transaction
from publisher.models import PostImage, Staff, Task
from publisher.services import drafting
from publisher.services.audit import Actor
from tests.fakes import Unreachable, with_gateway
from tests.support import run_tasks_until_settled


def test_a_picture_that_cannot_be_fetched_is_marked_failed_and_the_author_told(runtime, account):
    with transaction(runtime.session_factory) as session:
        member = Staff(account_id=account.id, name="张三", role="editor", openid="oEditor", created_at=runtime.clock.now())
        session.add(member)
        session.flush()
        actor = Actor.staff(member.id)
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=actor, clock=runtime.clock)
        drafting.add_image(session, staff=member, media_id="m-1", actor=actor, clock=runtime.clock)
        post_id = post.id
    runtime = with_gateway(runtime, Unreachable())

    run_tasks_until_settled(runtime)

    with runtime.session_factory() as session:
        image = session.scalars(select(PostImage).where(PostImage.post_id == post_id)).one()
        # Given up, not "still being saved" for ever: the checks say to resend it.
        assert drafting.image_state(image).failed
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert any("没能从微信取回" in text for text in notices)
