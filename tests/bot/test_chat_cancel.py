"""取消 never loses a post: after 修改 it throws away only the edits since 修改; a post that has
been through review is thrown away only with 「确认取消 N」."""
from __future__ import annotations

from publisher.db import transaction
from publisher.models import Post, PostImage
from publisher.services import drafting
from publisher.texts import chat as texts
from tests.bot.chat import bind, opened_post_id, say, send_picture
from sqlalchemy import select

EDITOR, REVIEWER = "oEditor00000000000000000201", "oReviewer000000000000000201"


def _body(runtime, post_id: int) -> list[tuple[str, str | None]]:
    with runtime.session_factory() as session:
        images = {i.id: i for i in drafting.images_of(session, post_id)}
        return [(b.kind, b.text if b.kind == "text" else ("cover" if images[b.image_id].is_cover else "picture"))
                for b in drafting.blocks_of(session, post_id)]


def _status(runtime, post_id: int) -> str:
    with runtime.session_factory() as session:
        return session.get(Post, post_id).status


def _returned_post(runtime) -> int:
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    say(runtime, EDITOR, "近期天干物燥，请注意用火安全。")
    send_picture(runtime, EDITOR, "media-1")
    say(runtime, EDITOR, "各村要加强巡查。")
    with transaction(runtime.session_factory) as session:
        for image in session.scalars(select(PostImage).where(PostImage.post_id == post_id)):
            image.data, image.fetched_at = b"\xff\xd8", runtime.clock.now()
    say(runtime, EDITOR, "完成")
    assert "已提交审核" in say(runtime, EDITOR, f"提交 {post_id}")
    assert "已退回" in say(runtime, REVIEWER, f"退回 {post_id} 标题要改")
    return post_id


def test_cancel_after_reopen_throws_away_only_the_edits_since_reopen(runtime):
    post_id = _returned_post(runtime)
    before = _body(runtime, post_id)
    say(runtime, EDITOR, f"修改 {post_id}")
    say(runtime, EDITOR, "改段 1 改坏了的一段")
    say(runtime, EDITOR, "删段 2")  # the cover picture
    say(runtime, EDITOR, "多加的一段")
    send_picture(runtime, EDITOR, "media-2")

    reply = say(runtime, EDITOR, "取消")

    assert reply == texts.EDIT_REVERTED.format(post_id=post_id, title="冬季防火安全提示", status="已退回")
    assert _body(runtime, post_id) == before == [
        ("text", "近期天干物燥，请注意用火安全。"), ("image", "cover"), ("text", "各村要加强巡查。")]
    assert _status(runtime, post_id) == "returned"
    with runtime.session_factory() as session:
        assert len(drafting.images_of(session, post_id)) == 1  # the picture sent during the edit is gone


def test_a_picture_deleted_in_an_edit_that_is_kept_is_gone_for_good(runtime):
    post_id = _returned_post(runtime)
    say(runtime, EDITOR, f"修改 {post_id}")
    say(runtime, EDITOR, "删段 2")
    say(runtime, EDITOR, "完成")

    with runtime.session_factory() as session:
        assert [i.source_media_id for i in drafting.images_of(session, post_id)
                if not i.source_media_id.startswith(drafting.DEFAULT_COVER_PREFIX)] == []
    assert [k for k, _ in _body(runtime, post_id)] == ["text", "text"]


def test_a_post_with_a_review_history_is_discarded_only_with_confirm_cancel(runtime):
    post_id = _returned_post(runtime)
    say(runtime, EDITOR, f"修改 {post_id}")
    say(runtime, EDITOR, "取消")
    assert _status(runtime, post_id) == "returned"

    reply = say(runtime, EDITOR, f"确认取消 {post_id}")

    assert reply == texts.DRAFT_DISCARDED.format(post_id=post_id, title="冬季防火安全提示")
    assert _status(runtime, post_id) == "discarded"


def test_cancel_of_a_new_post_still_discards_it(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    say(runtime, EDITOR, "近期天干物燥。")

    assert say(runtime, EDITOR, "取消") == texts.DRAFT_DISCARDED.format(post_id=post_id, title="冬季防火安全提示")
    assert _status(runtime, post_id) == "discarded"


def test_confirm_cancel_of_someone_elses_post_is_refused_and_changes_nothing(runtime):
    post_id = _returned_post(runtime)
    other = "oEditor00000000000000000299"
    bind(runtime, other, "王五", "editor")

    reply = say(runtime, other, f"确认取消 {post_id}")

    assert reply == texts.NOT_YOUR_POST.format(post_id=post_id, action=texts.DISCARD_ACTION)
    assert _status(runtime, post_id) == "returned"
