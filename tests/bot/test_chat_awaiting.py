"""待审: a reviewer's inbox, the longest waiting first; and a reviewer is told when a post they
were asked to review is withdrawn."""
from __future__ import annotations

from sqlalchemy import select

from publisher.core.timeparse import format_beijing
from publisher.models import Post, Task
from publisher.texts import chat as texts
from tests.bot.chat import bind, opened_post_id, say

EDITOR, REVIEWER, SECOND = "oEditor00000000000000000401", "oReviewer000000000000000401", "oReviewer000000000000000402"


def _submitted(runtime, title: str, *, when: str = "", paragraph: str = "近期天干物燥，请注意用火安全。") -> int:
    post_id = opened_post_id(say(runtime, EDITOR, f"投稿 {title}"))
    say(runtime, EDITOR, paragraph)
    say(runtime, EDITOR, "完成")
    assert "已提交审核" in say(runtime, EDITOR, f"提交 {post_id} {when}".strip())
    return post_id


def _post(runtime, post_id: int) -> Post:
    with runtime.session_factory() as session:
        return session.get(Post, post_id)


def test_awaiting_lists_the_posts_waiting_for_this_reviewer_oldest_first(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    tz = runtime.settings.timezone
    first = _submitted(runtime, "冬季防火安全提示", when="明天上午9点")
    runtime.clock.advance(minutes=5)
    second = _submitted(runtime, "合作社分红大会召开")
    one, two = _post(runtime, first), _post(runtime, second)
    findings = 2  # each has the default cover and no topic (reminders that do not block)

    reply = say(runtime, REVIEWER, "待审")

    assert reply.splitlines() == [
        texts.AWAITING_HEADER.format(count=2),
        texts.AWAITING_LINE.format(post_id=first, title="冬季防火安全提示", author="张三",
                                   submitted=format_beijing(one.submitted_at, tz),
                                   when=format_beijing(one.scheduled_at, tz), level=1,
                                   levels=runtime.settings.review_levels, findings=findings),
        texts.AWAITING_LINE.format(post_id=second, title="合作社分红大会召开", author="张三",
                                   submitted=format_beijing(two.submitted_at, tz), when=texts.AWAITING_NO_TIME,
                                   level=1, levels=runtime.settings.review_levels, findings=findings),
        texts.AWAITING_FOOTER,
    ]


def test_awaiting_leaves_out_what_this_reviewer_already_approved(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    post_id = _submitted(runtime, "冬季防火安全提示")
    say(runtime, REVIEWER, f"通过 {post_id}")

    assert say(runtime, REVIEWER, "待审") == texts.AWAITING_EMPTY


def test_awaiting_is_for_reviewers_only(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    assert say(runtime, EDITOR, "待审") == texts.NOT_ALLOWED.format(word="待审", needed="审核人", role="编辑")


def test_a_reviewer_is_told_when_the_author_withdraws_a_post_waiting_for_them(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    post_id = _submitted(runtime, "冬季防火安全提示")

    say(runtime, EDITOR, f"撤回 {post_id}")

    with runtime.session_factory() as session:
        notices = [t.payload for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    told = texts.REVIEWER_TOLD_WITHDRAWN.format(post_id=post_id, title="冬季防火安全提示", who="张三")
    assert [n["openid"] for n in notices if n["text"] == told] == [REVIEWER]
    assert say(runtime, REVIEWER, "待审") == texts.AWAITING_EMPTY


def test_the_approver_is_told_when_an_approved_post_is_withdrawn(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    bind(runtime, SECOND, "王主任", "reviewer")
    post_id = _submitted(runtime, "冬季防火安全提示")
    say(runtime, REVIEWER, f"通过 {post_id}")

    say(runtime, EDITOR, f"撤回 {post_id}")

    with runtime.session_factory() as session:
        notices = [t.payload for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    told = texts.REVIEWER_TOLD_WITHDRAWN.format(post_id=post_id, title="冬季防火安全提示", who="张三")
    assert [n["openid"] for n in notices if n["text"] == told] == [REVIEWER]  # 王主任 did not review it
