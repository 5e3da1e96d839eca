"""The chat through `handle_message`, as the webhook calls it, with XML built as WeChat sends
it and a clock that only moves when told: binding limits, events, times typed at edges."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from bot.commands import dispatch
from publisher.background.jobs import run_due_tasks
from publisher.db import transaction
from publisher.models import Staff, Task
from publisher.sandbox import build_image_message, build_text_message
from publisher.services import drafting
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.wechat import parse_message

CITIZEN = "oCitizen00000000000000000001"
_msg_ids = itertools.count(1)


def deliver(runtime, xml: str) -> str | None:
    return dispatch.handle_message(runtime, "default", parse_message(xml), xml)


def say(runtime, openid: str, text: str) -> str | None:
    created = int(runtime.clock.now().timestamp())
    return deliver(runtime, build_text_message("gh_township", openid, text, msg_id=next(_msg_ids),
                                               create_time=created))


def event_xml(openid: str, event: str, created: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_township]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def invite_code(runtime, name: str, role: str = "editor") -> str:
    with transaction(runtime.session_factory) as session:
        return invite(session, account_by_name(session, "default"), name, role, clock=runtime.clock, actor=CLI,
                      key=invite_key(runtime.settings)).code


def bound_openid(runtime, openid: str) -> str | None:
    with runtime.session_factory() as session:
        member = session.scalar(select(Staff).where(Staff.openid == openid))
        return member.name if member else None


def test_guessing_bind_codes_is_stopped_after_five_failures_an_hour(runtime):
    code = invite_code(runtime, "张三")
    for guess in ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"]:
        assert "无效" in say(runtime, CITIZEN, f"绑定 {guess}")
    # The sixth try is refused even with the right code, and binds nobody.
    refused = say(runtime, CITIZEN, f"绑定 {code}")
    assert "次数过多" in refused and "1 小时" in refused
    assert bound_openid(runtime, CITIZEN) is None
    # Another sender is not held back by this one's guesses.
    assert "绑定成功" in say(runtime, "oOther0000000000000000000001", f"绑定 {code}")


def test_bind_failures_are_counted_in_the_database_and_expire_after_an_hour(runtime):
    code = invite_code(runtime, "张三")
    for _ in range(5):
        say(runtime, CITIZEN, "绑定 AAAAAAAA")
    # A fresh runtime (another process) sees the same failures.
    from publisher.runtime import Runtime
    other = Runtime(runtime.settings, runtime.engine, runtime.session_factory, runtime.clock)
    assert "次数过多" in say(other, CITIZEN, f"绑定 {code}")
    runtime.clock.advance(minutes=61)
    assert "绑定成功" in say(runtime, CITIZEN, f"绑定 {code}")


AUTO_REPLY = "您好，您的留言已收到。如需办理业务，请拨打镇政府办公室电话。"


def test_a_new_follower_gets_the_auto_reply_once_and_nothing_else(runtime):
    runtime.settings = runtime.settings.with_overrides(citizen_auto_reply=AUTO_REPLY)
    created = int(runtime.clock.now().timestamp())
    xml = event_xml(CITIZEN, "subscribe", created)
    first = deliver(runtime, xml)
    assert first == AUTO_REPLY
    assert deliver(runtime, xml) == first  # WeChat's retry of the same event
    assert deliver(runtime, event_xml(CITIZEN, "unsubscribe", created + 1)) is None


@pytest.mark.parametrize("fields", [
    "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>",
    "<MsgType><![CDATA[location]]></MsgType><Location_X>23.1</Location_X><Location_Y>113.3</Location_Y>"
    "<Scale>20</Scale><Label><![CDATA[镇政府]]></Label>",
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[]]></Content>",
    "<MsgType><![CDATA[miniprogrampage]]></MsgType><Title><![CDATA[x]]></Title>",
])
def test_other_kinds_of_message_from_a_citizen_get_the_auto_reply(runtime, fields):
    runtime.settings = runtime.settings.with_overrides(citizen_auto_reply=AUTO_REPLY)
    xml = (f"<xml><ToUserName><![CDATA[gh_township]]></ToUserName><FromUserName><![CDATA[{CITIZEN}]]></FromUserName>"
           f"<CreateTime>{int(runtime.clock.now().timestamp())}</CreateTime>{fields}<MsgId>{next(_msg_ids)}</MsgId></xml>")
    assert deliver(runtime, xml) == AUTO_REPLY


def test_a_preview_that_cannot_reach_wechat_is_reported_not_dropped(runtime):
    from publisher.background.jobs import run_due_tasks
    from publisher.models import Task
    from tests.fakes import Unreachable, with_gateway
    from tests.support import run_tasks_until_settled

    editor = "oEditor000000000000000000001"
    say(runtime, editor, f"绑定 {invite_code(runtime, '张三')}")
    post_id = int(say(runtime, editor, "投稿 春耕备耕").split("稿件 ")[1].split("「")[0])
    say(runtime, editor, "正文一段。")
    say(runtime, editor, "完成")
    run_due_tasks(runtime)
    runtime = with_gateway(runtime, Unreachable())
    assert "预览" in say(runtime, editor, f"预览 {post_id}")

    run_tasks_until_settled(runtime)

    with runtime.session_factory() as session:
        told = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert any("预览没能生成" in text and "连不上微信" in text for text in told)


def _bind(runtime, openid: str, name: str, role: str) -> None:
    assert "绑定成功" in say(runtime, openid, f"绑定 {invite_code(runtime, name, role)}")


def _drafted(runtime, openid: str) -> int:
    opened = say(runtime, openid, "投稿 合作社分红大会召开")
    say(runtime, openid, "3月1日，我镇召开合作社分红大会。")
    say(runtime, openid, "完成")
    return int(opened.split("稿件 ")[1].split("「")[0])


def test_submit_names_the_reviewers_wechat_cannot_reach_instead_of_promising_a_notice(runtime):
    editor, near, far = "oEditor00000000000000000001", "oNear000000000000000000001", "oFar0000000000000000000001"
    _bind(runtime, far, "赵主任", "reviewer")
    runtime.clock.advance(hours=49)  # 赵主任 has been silent since binding: outside WeChat's window
    _bind(runtime, near, "李书记", "reviewer")
    _bind(runtime, editor, "张三", "editor")
    post_id = _drafted(runtime, editor)

    reply = say(runtime, editor, f"提交 {post_id}")

    assert "已提交审核" in reply and "审核人会收到通知" not in reply
    assert "已通知审核人：李书记" in reply
    assert "赵主任 近 48 小时没有给公众号发过消息" in reply and "当面" in reply


def test_a_return_tells_the_reviewer_when_wechat_cannot_reach_the_author(runtime):
    editor, reviewer = "oEditor00000000000000000002", "oReviewer000000000000000002"
    _bind(runtime, editor, "张三", "editor")
    _bind(runtime, reviewer, "李书记", "reviewer")
    post_id = _drafted(runtime, editor)
    say(runtime, editor, f"提交 {post_id}")
    runtime.clock.advance(hours=49)

    reply = say(runtime, reviewer, f"退回 {post_id} 第二段人名有误")

    assert "已退回给张三" in reply and "张三 近 48 小时没有给公众号发过消息" in reply


def _open_draft_with_one_paragraph(runtime, openid: str) -> int:
    _bind(runtime, openid, "张三", "editor")
    opened = say(runtime, openid, "投稿 冬季防火安全提示")
    assert "第 1 段已加入" in say(runtime, openid, "近期天干物燥，请注意用火安全。")
    return int(opened.split("稿件 ")[1].split("「")[0])


def _paragraphs(runtime, post_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return [b.text for b in drafting.blocks_of(session, post_id) if b.kind == "text"]


def test_a_paragraph_sent_after_the_idle_time_closes_the_draft_and_says_it_was_not_added(runtime):
    editor = "oEditor00000000000000000003"
    post_id = _open_draft_with_one_paragraph(runtime, editor)
    runtime.clock.advance(minutes=runtime.settings.draft_idle_minutes + 1)

    reply = say(runtime, editor, "各村要加强巡查。")

    assert f"稿件 {post_id}「冬季防火安全提示」已 {runtime.settings.draft_idle_minutes} 分钟没有新内容" in reply
    assert "这条文字也没有加入稿件" in reply and f"请先发送「修改 {post_id}」" in reply
    assert _paragraphs(runtime, post_id) == ["近期天干物燥，请注意用火安全。"]
    say(runtime, editor, f"修改 {post_id}")
    assert "第 2 段已加入" in say(runtime, editor, "各村要加强巡查。")
    assert _paragraphs(runtime, post_id) == ["近期天干物燥，请注意用火安全。", "各村要加强巡查。"]


def test_the_background_closes_an_idle_draft_only_once_nothing_came_for_the_idle_time(runtime):
    editor = "oEditor00000000000000000004"
    post_id = _open_draft_with_one_paragraph(runtime, editor)
    idle = runtime.settings.draft_idle_minutes

    runtime.clock.advance(minutes=idle - 5)
    say(runtime, editor, "各村要加强巡查。")  # keeps the draft alive
    runtime.clock.advance(minutes=idle - 5)
    run_due_tasks(runtime)
    with runtime.session_factory() as session:
        assert drafting.open_draft_of(session, bound_staff_id(runtime, editor)) is not None

    runtime.clock.advance(minutes=6)
    run_due_tasks(runtime)

    with runtime.session_factory() as session:
        assert drafting.open_draft_of(session, bound_staff_id(runtime, editor)) is None
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert [n for n in notices if "已自动保存并关闭" in n] == [
        f"稿件 {post_id}「冬季防火安全提示」已 {idle} 分钟没有新内容，已自动保存并关闭。发送「修改 {post_id}」可继续。"]
    picture = build_image_message("gh_township", editor, "media-late", msg_id=next(_msg_ids),
                                  create_time=int(runtime.clock.now().timestamp()))
    assert "这张图片没有加入稿件" in deliver(runtime, picture)
    assert _paragraphs(runtime, post_id) == ["近期天干物燥，请注意用火安全。", "各村要加强巡查。"]


def test_a_typo_from_someone_with_no_draft_at_all_is_just_an_unknown_command(runtime):
    editor = "oEditor00000000000000000005"
    _bind(runtime, editor, "张三", "editor")
    assert say(runtime, editor, "帮主") == "没有「帮主」这个命令。发送「帮助」查看您可以使用的命令。"


def bound_staff_id(runtime, openid: str) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(Staff.id).where(Staff.openid == openid))


def test_overlong_title_is_refused_in_chinese_before_the_database_sees_it(runtime):
    # Found by the reliability suite's hostile input on PostgreSQL: a 投稿 title past the
    # column's 200 characters met "value too long" and the internal-error reply. WeChat's
    # own limit, checked at 投稿, is far below the column's.
    from publisher.models import Post
    from publisher.texts import chat as texts
    from tests.publishing_support import add_staff

    add_staff(runtime)
    reply = say(runtime, "o-张三-openid", "投稿 " + "长" * 201)

    from publisher.core.checks import TITLE_LIMIT

    assert reply == texts.CHECK_TITLE_TOO_LONG.format(length=402, limit=TITLE_LIMIT, chinese=TITLE_LIMIT // 2)
    with runtime.session_factory() as session:
        assert session.scalar(select(Post)) is None
