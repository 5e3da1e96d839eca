"""改标题 / 改摘要: a returned title is fixed by command, never taken as a body paragraph, with
WeChat's limits checked (the checks' own messages) and nothing changed on a refusal."""
from __future__ import annotations

from publisher.core.checks import DIGEST_LIMIT, TITLE_LIMIT
from publisher.models import Post
from publisher.services import drafting
from publisher.texts import chat as texts
from tests.bot.chat import bind, opened_post_id, say

EDITOR, REVIEWER, OTHER = "oEditor00000000000000000301", "oReviewer000000000000000301", "oEditor00000000000000000399"


def _post(runtime, post_id: int) -> Post:
    with runtime.session_factory() as session:
        return session.get(Post, post_id)


def _returned(runtime) -> int:
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    say(runtime, EDITOR, "近期天干物燥，请注意用火安全。")
    say(runtime, EDITOR, "完成")
    say(runtime, EDITOR, f"提交 {post_id}")
    say(runtime, REVIEWER, f"退回 {post_id} 标题要改")
    return post_id


def test_change_title_sets_the_title_and_adds_no_paragraph(runtime):
    post_id = _returned(runtime)
    say(runtime, EDITOR, f"修改 {post_id}")

    reply = say(runtime, EDITOR, f"改标题 {post_id} 全镇开展冬季防火安全检查")

    assert reply == texts.FIELD_CHANGED.format(post_id=post_id, field=texts.FIELD_TITLE, value="全镇开展冬季防火安全检查")
    assert _post(runtime, post_id).title == "全镇开展冬季防火安全检查"
    with runtime.session_factory() as session:
        assert [b.text for b in drafting.blocks_of(session, post_id)] == ["近期天干物燥，请注意用火安全。"]


def test_a_title_past_wechats_limit_is_refused_with_the_limit_and_changes_nothing(runtime):
    post_id = _returned(runtime)

    reply = say(runtime, EDITOR, f"改标题 {post_id} {'防' * 17}")

    assert reply == texts.CHECK_TITLE_TOO_LONG.format(length=34, limit=TITLE_LIMIT, chinese=TITLE_LIMIT // 2)
    assert _post(runtime, post_id).title == "冬季防火安全提示"


def test_change_digest_sets_the_digest_within_the_limit(runtime):
    post_id = _returned(runtime)

    assert say(runtime, EDITOR, f"改摘要 {post_id} 天干物燥，小心火烛。") == texts.FIELD_CHANGED.format(
        post_id=post_id, field=texts.FIELD_DIGEST, value="天干物燥，小心火烛。")
    refused = say(runtime, EDITOR, f"改摘要 {post_id} {'火' * 65}")

    assert refused == texts.CHECK_DIGEST_TOO_LONG.format(length=130, limit=DIGEST_LIMIT, chinese=DIGEST_LIMIT // 2)
    assert _post(runtime, post_id).digest == "天干物燥，小心火烛。"


def test_a_reviewer_may_fix_the_title_of_a_post_waiting_for_review_its_author_may_not(runtime):
    post_id = _returned(runtime)
    say(runtime, EDITOR, f"提交 {post_id}")

    refused = say(runtime, EDITOR, f"改标题 {post_id} 新标题")
    fixed = say(runtime, REVIEWER, f"改标题 {post_id} 冬季防火提示")

    assert refused == texts.FIELD_LOCKED.format(post_id=post_id, field=texts.FIELD_TITLE, status="待审核")
    assert fixed == texts.FIELD_CHANGED.format(post_id=post_id, field=texts.FIELD_TITLE, value="冬季防火提示")


def test_another_editor_may_not_change_the_title(runtime):
    post_id = _returned(runtime)
    bind(runtime, OTHER, "王五", "editor")

    reply = say(runtime, OTHER, f"改标题 {post_id} 别人的标题")

    assert reply == texts.NOT_YOUR_POST.format(post_id=post_id, action=texts.CHANGE_ACTION.format(field=texts.FIELD_TITLE))
    assert _post(runtime, post_id).title == "冬季防火安全提示"


def test_change_title_without_a_title_answers_with_the_usage(runtime):
    post_id = _returned(runtime)
    assert say(runtime, EDITOR, f"改标题 {post_id}") == texts.USAGE.format(usage="改标题 <号> <新标题>")
