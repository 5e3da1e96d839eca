"""The webhook's edge: refusals with the right status and nothing stored, retries acted on once,
citizens never reaching a command, and answers within WeChat's 5 seconds."""
import time

import pytest
import requests
from sqlalchemy import func, select

from publisher.models import AuditEntry, InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply, encrypt, sign
from tests.bot.conftest import COVER, reply_text

EDITOR, REVIEWER, CITIZEN = "oEditor000000000000000000001", "oReviewer00000000000000000001", "oCitizen00000000000000000001"


def counts(live):
    with live.runtime.session_factory() as s:
        return (s.scalar(select(func.count()).select_from(InboundMessage)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def signed_params(live, timestamp=None, nonce="n0nce"):
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {"signature": sign(live.account.token, ts, nonce), "timestamp": ts, "nonce": nonce}


def sealed(live, xml: str, nonce: str = "n0nce") -> dict:
    """Request arguments carrying `xml` as WeChat does in safe mode, correctly signed and
    encrypted whatever `xml` holds: what is refused then is the message itself."""
    params = signed_params(live, nonce=nonce)
    encrypted = encrypt(live.account.aes_key, live.account.appid, xml)
    params.update(encrypt_type="aes", msg_signature=sign(live.account.token, params["timestamp"], nonce, encrypted))
    body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return {"params": params, "data": body.encode()}


def test_get_verification_echoes_echostr_only_when_signed(live):
    ok = requests.get(live.url + "/wechat", params={**signed_params(live), "echostr": "hello123"})
    assert ok.status_code == 200 and ok.text == "hello123"
    assert requests.get(live.url + "/wechat", params={"echostr": "x"}).status_code == 403


@pytest.mark.parametrize("case", ["missing", "forged", "stale", "oversized", "malformed", "entity", "wrong_appid",
                                  "bad_msg_signature"])
def test_bad_requests_are_refused_and_nothing_is_stored(live, case):
    before = counts(live)
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=1)
    url = live.url + "/wechat"
    if case == "missing":
        response = requests.post(url, data=xml.encode())
        expected = 403
    elif case == "forged":
        response = requests.post(url, params={**signed_params(live), "signature": "0" * 40}, data=xml.encode())
        expected = 403
    elif case == "stale":
        live.runtime.settings = live.runtime.settings.with_overrides(webhook_timestamp_window=300)
        response = requests.post(url, params=signed_params(live, int(time.time()) - 3600), data=xml.encode())
        expected = 403
    elif case == "oversized":
        big = build_text_message("gh_township", EDITOR, "字" * 70_000, msg_id=2)
        response = requests.post(url, params=signed_params(live), data=big.encode())
        expected = 413
    elif case == "malformed":
        response = requests.post(url, **sealed(live, "<xml><ToUserName>oops</xml"))
        expected = 400
    elif case == "entity":
        bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                "<xml><ToUserName>gh</ToUserName><FromUserName>" + EDITOR +
                "</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content>"
                "<MsgId>3</MsgId></xml>")
        response = requests.post(url, **sealed(live, bomb))
        expected = 400
    else:
        appid = "wx0000000000000bad" if case == "wrong_appid" else live.account.appid
        encrypted = encrypt(live.account.aes_key, appid, xml)
        params = {**signed_params(live), "encrypt_type": "aes",
                  "msg_signature": sign(live.account.token, signed_params(live)["timestamp"], "n0nce", encrypted)}
        if case == "bad_msg_signature":
            params["msg_signature"] = "f" * 40
        body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        response = requests.post(url, params=params, data=body.encode())
        expected = 403
    assert response.status_code == expected
    assert counts(live) == before


def test_a_message_delivered_three_times_is_acted_on_once_with_the_same_answer(live):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    xml = build_text_message("gh_township", EDITOR, "投稿 重复投递的稿件", msg_id=777)
    replies = []
    for _ in range(3):
        response = live.post(xml, msg_id=777)
        assert response.status_code == 200
        replies.append(reply_text(decrypt_reply(response, live.account)))
    assert replies[0] == replies[1] == replies[2] and "已开始稿件" in replies[0]
    with live.runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 1
        assert s.scalar(select(func.count()).where(InboundMessage.dedup_key == "msg:777")) == 1


def test_a_citizen_typing_a_command_changes_nothing_and_an_editor_is_told_why(live):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    live.say(REVIEWER, f"绑定 {live.invite('李书记', 'reviewer')}")
    post_id = int(live.say(EDITOR, "投稿 测试稿件").split("稿件 ")[1].split("「")[0])
    live.say(EDITOR, "正文一段。")
    live.say(EDITOR, "完成")
    live.say(EDITOR, f"提交 {post_id}")

    before = counts(live)
    answer = live.say(CITIZEN, f"通过 {post_id}")
    assert answer == live.runtime.settings.citizen_auto_reply
    inbound, audits = counts(live)
    assert inbound == before[0] + 1 and audits == before[1]  # kept, nothing else
    refused = live.say(EDITOR, f"通过 {post_id}")
    assert "需要审核人权限" in refused and "编辑" in refused
    with live.runtime.session_factory() as s:
        assert s.get(Post, post_id).status == "submitted"


def test_with_wechat_slow_every_answer_is_quick_and_the_result_arrives_later(live):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    # Every WeChat call 1 s slow: over ten times an answer here (40-60 ms unloaded, a few hundred
    # ms on a busy machine), and the background's five calls take 5 s, not the 15 of a 3 s delay.
    slow = 1.0
    requests.post(live.url + "/sandbox/faults", json={"path": "*", "delay": slow, "times": 100}, timeout=5)
    timings = []

    def timed(action):
        started = time.monotonic()
        result = action()
        timings.append(time.monotonic() - started)
        return result

    post_id = int(timed(lambda: live.say(EDITOR, "投稿 慢网络下的稿件")).split("稿件 ")[1].split("「")[0])
    timed(lambda: live.say(EDITOR, "正文。"))
    timed(lambda: live.send_image(EDITOR, COVER.read_bytes()))
    timed(lambda: live.say(EDITOR, "完成"))
    assert "预览" in timed(lambda: live.say(EDITOR, f"预览 {post_id}"))
    # An answer quicker than one WeChat call made none on the way.
    assert max(timings) < slow, timings
    live.wait_for(lambda: live.state()["previews"].get(EDITOR), timeout=60)
