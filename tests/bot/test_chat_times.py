"""Every reply that talks about a time says which, in full 北京时间: approving a post with no
wished time names the slot the plan gives it, to the reviewer and in the author's notice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from publisher.core.timeparse import format_beijing
from publisher.models import Task
from publisher.texts import chat as texts
from tests.bot.chat import bind, opened_post_id, say, submitted_post
from tests.conftest import BEIJING

EDITOR, REVIEWER = "oEditor00000000000000000601", "oReviewer000000000000000601"
TITLE = "冬季防火安全提示"


def _submitted(runtime) -> int:
    post_id = submitted_post(runtime, editor=EDITOR, reviewer=REVIEWER, title=TITLE,
                             paragraph="近期天干物燥，请注意用火安全。")
    return post_id


def test_approving_with_no_wished_time_names_the_next_slot_in_full(runtime):
    post_id = _submitted(runtime)  # at 10:00; the slots are 12:00 and 18:00
    slot = format_beijing(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING), runtime.settings.timezone)

    reply = say(runtime, REVIEWER, f"通过 {post_id}")

    assert reply == texts.APPROVED_FINAL.format(post_id=post_id, title=TITLE,
                                                when=texts.APPROVED_NEXT_SLOT.format(when=slot))
    with runtime.session_factory() as session:
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert texts.AUTHOR_APPROVED.format(post_id=post_id, title=TITLE, reviewer="李书记",
                                        when=texts.APPROVED_NEXT_SLOT.format(when=slot)) in notices


def test_approving_after_the_days_last_slot_names_tomorrows_first(runtime):
    runtime.clock.set(datetime(2024, 3, 1, 19, 0, tzinfo=BEIJING))
    post_id = _submitted(runtime)
    slot = format_beijing(datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING), runtime.settings.timezone)

    assert say(runtime, REVIEWER, f"通过 {post_id}") == texts.APPROVED_FINAL.format(
        post_id=post_id, title=TITLE, when=texts.APPROVED_NEXT_SLOT.format(when=slot))


def test_queueing_without_review_names_the_slot_it_goes_out_in(runtime):
    runtime.settings = runtime.settings.with_overrides(review_enabled=False)
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, f"投稿 {TITLE}"))
    say(runtime, EDITOR, "近期天干物燥，请注意用火安全。")
    say(runtime, EDITOR, "完成")
    slot = format_beijing(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING), runtime.settings.timezone)

    reply = say(runtime, EDITOR, f"提交 {post_id}").splitlines()

    assert reply[0] == texts.QUEUED_DIRECTLY.format(post_id=post_id, title=TITLE,
                                                    when=texts.APPROVED_NEXT_SLOT.format(when=slot))
