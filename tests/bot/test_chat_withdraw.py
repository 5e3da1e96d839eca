"""撤回 is "not yet": the post goes back to draft, and 修改, 定时 and 提交 work on it again."""
from __future__ import annotations

from datetime import datetime

from publisher.core.timeparse import format_beijing
from publisher.models import Post
from publisher.texts import chat as texts
from publisher.texts import publishing as publishing_texts
from tests.bot.chat import bind, opened_post_id, say, submitted_post
from tests.conftest import BEIJING

EDITOR, REVIEWER = "oEditor00000000000000000501", "oReviewer000000000000000501"
TITLE = "冬季防火安全提示"


def _withdrawn(runtime) -> int:
    post_id = submitted_post(runtime, editor=EDITOR, reviewer=REVIEWER, title=TITLE,
                             paragraph="近期天干物燥，请注意用火安全。")
    assert say(runtime, EDITOR, f"撤回 {post_id}") == publishing_texts.WITHDRAWN.format(post_id=post_id, title=TITLE)
    return post_id


def _post(runtime, post_id: int) -> Post:
    with runtime.session_factory() as session:
        return session.get(Post, post_id)


def test_a_withdrawn_post_is_a_draft_again_and_can_be_edited(runtime):
    post_id = _withdrawn(runtime)

    assert _post(runtime, post_id).status == "draft"
    assert say(runtime, EDITOR, f"修改 {post_id}") == texts.DRAFT_REOPENED.format(post_id=post_id, title=TITLE)
    assert say(runtime, EDITOR, "改段 1 近期天干物燥，请各家各户注意用火安全。") == texts.BLOCK_REPLACED.format(
        post_id=post_id, number=1)


def test_a_withdrawn_post_can_be_timed_and_resubmitted_with_that_time(runtime):
    post_id = _withdrawn(runtime)
    tz = runtime.settings.timezone
    wished = format_beijing(datetime(2024, 3, 2, 9, 0, tzinfo=BEIJING), tz)

    timed = say(runtime, EDITOR, f"定时 {post_id} 明天上午9点")
    submitted = say(runtime, EDITOR, f"提交 {post_id}")

    assert timed == publishing_texts.SCHEDULED_DRAFT.format(post_id=post_id, title=TITLE, when=wished)
    assert submitted.splitlines()[0] == texts.SUBMITTED.format(post_id=post_id, title=TITLE,
                                                               when=texts.SUBMIT_WHEN.format(when=wished))
    assert _post(runtime, post_id).status == "submitted"


def test_submitting_a_post_that_is_already_submitted_says_it_cannot_be_submitted(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, f"投稿 {TITLE}"))
    say(runtime, EDITOR, "近期天干物燥，请注意用火安全。")
    say(runtime, EDITOR, "完成")
    say(runtime, EDITOR, f"提交 {post_id}")

    assert say(runtime, EDITOR, f"提交 {post_id}") == texts.SUBMIT_NOT_EDITABLE.format(post_id=post_id,
                                                                                      status="待审核")
