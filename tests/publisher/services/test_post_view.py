"""查看's read: plain values of a post, worded by bot/commands/posts.py."""
from __future__ import annotations

from publisher.db import transaction
from publisher.models import Staff
from publisher.services import browse, drafting
from publisher.services.audit import Actor


def test_post_view_gives_the_blocks_and_the_latest_history_oldest_first(runtime, account):
    clock = runtime.clock
    with transaction(runtime.session_factory) as session:
        member = Staff(account_id=account.id, name="张三", role="editor", openid="oEditor", created_at=clock.now())
        session.add(member)
        session.flush()
        actor = Actor.staff(member.id)
        post = drafting.open_draft(session, staff=member, title="春耕", topic_name=None, actor=actor, clock=clock)
        drafting.add_paragraph(session, staff=member, text="各村要加强巡查。", actor=actor, clock=clock)
        drafting.add_image(session, staff=member, media_id="m-1", actor=actor, clock=clock)

        view = browse.post_view(session, post, settings=runtime.settings, history_lines=2)

    assert (view.post_id, view.title, view.author, view.topic, view.status) == (post.id, "春耕", "张三", None, "draft")
    assert view.blocks == (browse.BlockView("text", text="各村要加强巡查。"),
                           browse.BlockView("image", is_cover=True, pending=True))
    assert [(line.who, line.action) for line in view.history] == [("张三", "draft.paragraph"), ("张三", "draft.image")]
    assert view.approvers == ()
