"""One paragraph numbering everywhere: text and pictures are counted together by the add
replies, 改段, 删段, 查看 and the checks, and a picture is shown as 「第 N 段（图片）」."""
from __future__ import annotations

from sqlalchemy import select

from publisher.db import transaction
from publisher.models import PostImage
from publisher.services import drafting
from publisher.texts import chat as texts
from tests.bot.chat import bind, opened_post_id, say, send_picture

EDITOR = "oEditor00000000000000000101"


def _text_blocks(runtime, post_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return [b.text for b in drafting.blocks_of(session, post_id) if b.kind == "text"]


def _picture_then_two_paragraphs(runtime) -> int:
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    assert send_picture(runtime, EDITOR, "media-1") == texts.IMAGE_ADDED.format(
        number=1, post_id=post_id, cover=texts.IMAGE_IS_COVER)
    assert say(runtime, EDITOR, "近期天干物燥。") == texts.PARAGRAPH_ADDED.format(number=2, post_id=post_id)
    assert say(runtime, EDITOR, "各村要加强巡查，错字在这里。") == texts.PARAGRAPH_ADDED.format(number=3, post_id=post_id)
    return post_id


def test_the_number_an_add_reply_gives_is_the_one_replace_block_changes(runtime):
    post_id = _picture_then_two_paragraphs(runtime)

    assert say(runtime, EDITOR, "改段 3 各村要加强巡查。") == texts.BLOCK_REPLACED.format(post_id=post_id, number=3)

    assert _text_blocks(runtime, post_id) == ["近期天干物燥。", "各村要加强巡查。"]


def test_view_numbers_pictures_with_the_text_and_shows_them_as_pictures(runtime):
    post_id = _picture_then_two_paragraphs(runtime)

    view = say(runtime, EDITOR, f"查看 {post_id}").splitlines()

    assert texts.VIEW_IMAGE_BLOCK.format(number=1, cover=texts.VIEW_IMAGE_COVER, pending=texts.VIEW_IMAGE_PENDING) in view
    assert texts.VIEW_TEXT_BLOCK.format(number=2, text="近期天干物燥。") in view
    assert texts.VIEW_TEXT_BLOCK.format(number=3, text="各村要加强巡查，错字在这里。") in view


def test_deleting_a_picture_says_it_was_a_picture_and_the_numbers_after_it_move_up(runtime):
    post_id = _picture_then_two_paragraphs(runtime)

    assert say(runtime, EDITOR, "删段 1") == texts.BLOCK_DELETED.format(post_id=post_id, number=1,
                                                                       kind=texts.BLOCK_KIND_IMAGE)
    assert say(runtime, EDITOR, "改段 2 各村要加强巡查。") == texts.BLOCK_REPLACED.format(post_id=post_id, number=2)
    assert _text_blocks(runtime, post_id) == ["近期天干物燥。", "各村要加强巡查。"]


def test_check_findings_name_the_paragraph_by_the_same_number(runtime):
    post_id = _picture_then_two_paragraphs(runtime)
    with transaction(runtime.session_factory) as session:
        for image in session.scalars(select(PostImage).where(PostImage.post_id == post_id)):
            image.data, image.fetched_at = b"\xff\xd8", runtime.clock.now()

    say(runtime, EDITOR, "完成")
    say(runtime, EDITOR, f"修改 {post_id}")
    say(runtime, EDITOR, "改段 3 联系电话 13812345678。")
    done = say(runtime, EDITOR, "完成")

    assert texts.CHECK_MOBILE.format(paragraph=3, masked="138****5678") in done
