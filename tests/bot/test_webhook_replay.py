"""The replay cache at the webhook (issue 9, F1): a (timestamp, nonce, signature) copied from a
log carries no other message, whether the timestamp window is on or off; WeChat's own retries
of a message, with the same query, still get the first answer."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from publisher.models import AuditEntry, InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply
from tests.bot.conftest import reply_text

EDITOR, REVIEWER, CITIZEN = "oEditor000000000000000000001", "oReviewer00000000000000000001", "oCitizen00000000000000000001"


def counts(live):
    with live.runtime.session_factory() as s:
        return (s.scalar(select(func.count()).select_from(InboundMessage)),
                s.scalar(select(func.count()).select_from(AuditEntry)),
                s.scalar(select(func.count()).select_from(Post)))


def event(openid: str, created: int, name: str = "subscribe") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_township]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{name}]]></Event></xml>")


@pytest.fixture(params=[300, 0], ids=["window-300", "window-off"])
def window(request, live):
    live.runtime.settings = live.runtime.settings.with_overrides(webhook_timestamp_window=request.param)
    return request.param


@pytest.mark.parametrize("live", ["plain"], indirect=True)
def test_a_query_already_used_carries_no_other_message(live, window):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    live.say(REVIEWER, f"绑定 {live.invite('李书记', 'reviewer')}")
    post_id = int(live.say(EDITOR, "投稿 待审核的稿件").split("稿件 ")[1].split("「")[0])
    live.say(EDITOR, "正文一段。")
    live.say(EDITOR, "完成")
    ts, nonce = int(time.time()), "copied-from-a-log"
    seen = live.post(build_text_message("gh_township", EDITOR, f"提交 {post_id}", msg_id=880001),
                     timestamp=ts, nonce=nonce)
    assert seen.status_code == 200 and "提交" in reply_text(seen.text)
    before = counts(live)

    forgeries = [
        build_text_message("gh_township", REVIEWER, f"通过 {post_id}", msg_id=880002),
        build_text_message("gh_township", REVIEWER, f"通过 {post_id}"),
        build_text_message("gh_township", EDITOR, f"撤回 {post_id}", msg_id=880003),
        event(REVIEWER, ts),
    ]
    answers = [live.post(xml, timestamp=ts, nonce=nonce).status_code for xml in forgeries]

    assert answers == [403] * len(forgeries)
    assert counts(live) == before
    with live.runtime.session_factory() as s:
        assert s.get(Post, post_id).status == "submitted"


@pytest.mark.parametrize("live", ["plain", "safe"], indirect=True)
def test_wechats_retries_with_the_same_query_get_the_first_answer_and_act_once(live, window):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    xml = build_text_message("gh_township", EDITOR, "投稿 重试三次的稿件", msg_id=880010)
    ts, nonce = int(time.time()), "retried"

    responses = [live.post(xml, timestamp=ts, nonce=nonce) for _ in range(3)]

    assert [r.status_code for r in responses] == [200] * 3
    replies = {reply_text(decrypt_reply(r, live.account)) for r in responses}
    assert len(replies) == 1 and "已开始稿件" in replies.pop()
    with live.runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 1


@pytest.mark.parametrize("live", ["plain"], indirect=True)
def test_an_event_retried_with_the_same_query_passes_and_another_event_does_not(live, window):
    ts, nonce, created = int(time.time()), "event-query", int(time.time()) - 1
    first = live.post(event(CITIZEN, created), timestamp=ts, nonce=nonce)
    retry = live.post(event(CITIZEN, created), timestamp=ts, nonce=nonce)
    before = counts(live)
    other = live.post(event(CITIZEN, created + 1), timestamp=ts, nonce=nonce)

    assert (first.status_code, retry.status_code, other.status_code) == (200, 200, 403)
    assert counts(live) == before
