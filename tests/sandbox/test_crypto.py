"""The sandbox's own WeChat crypto agrees with wechatpy's, in both directions."""

from __future__ import annotations

import xmltodict
import pytest
from flask import Flask, request
from hypothesis import given, settings, strategies as st
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from publisher.sandbox import (CryptoError, SandboxAccount, build_image_message, build_text_message, decrypt,
                               decrypt_reply, encrypt, sign, wechat_post)

from .conftest import AES_KEY, LiveServer

ACCOUNT = SandboxAccount(appid="wx1234567890abcdef", secret="s", token="tok3n", aes_key=AES_KEY, push_url=None)
OTHER_KEY = "a" * 43
STAFF = "oStaff0000000000000000000001"


def wechatpy_crypto() -> WeChatCrypto:
    return WeChatCrypto(ACCOUNT.token, ACCOUNT.aes_key, ACCOUNT.appid)


def test_signature_is_accepted_by_wechatpy_check_signature():
    check_signature(ACCOUNT.token, sign(ACCOUNT.token, 1700000000, "nonce"), "1700000000", "nonce")


@settings(max_examples=50)
@given(st.text())
def test_message_encrypted_here_is_decrypted_by_wechatpy(text):
    xml = build_text_message("gh_x", STAFF, text)
    encrypted = encrypt(ACCOUNT.aes_key, ACCOUNT.appid, xml)
    envelope = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    signature = sign(ACCOUNT.token, "1700000000", "n0nce", encrypted)
    assert wechatpy_crypto().decrypt_message(envelope, signature, "1700000000", "n0nce") == xml


@settings(max_examples=50)
@given(st.text())
def test_message_encrypted_by_wechatpy_is_decrypted_here(text):
    reply = TextReply(content=text, source="gh_x", target=STAFF).render()
    envelope = xmltodict.parse(wechatpy_crypto().encrypt_message(reply, "n0nce", "1700000000"))["xml"]
    assert envelope["MsgSignature"] == sign(ACCOUNT.token, "1700000000", "n0nce", envelope["Encrypt"])
    assert decrypt(ACCOUNT.aes_key, ACCOUNT.appid, envelope["Encrypt"]) == reply


def test_decrypt_refuses_a_message_for_another_appid():
    encrypted = encrypt(ACCOUNT.aes_key, "wxsomeoneelse", "<xml/>")
    with pytest.raises(CryptoError):
        decrypt(ACCOUNT.aes_key, ACCOUNT.appid, encrypted)


def test_decrypt_refuses_a_wrong_key_and_garbage():
    encrypted = encrypt(ACCOUNT.aes_key, ACCOUNT.appid, "<xml/>")
    with pytest.raises(CryptoError):
        decrypt(OTHER_KEY, ACCOUNT.appid, encrypted)
    with pytest.raises(CryptoError):
        decrypt(ACCOUNT.aes_key, ACCOUNT.appid, "not base64!")


class Webhook:
    """A webhook verified and answered with wechatpy alone, as govpost's will be."""

    def __init__(self) -> None:
        self.messages = []
        app = Flask("webhook")

        @app.post("/wechat")
        def webhook():
            args = request.args
            check_signature(ACCOUNT.token, args["signature"], args["timestamp"], args["nonce"])
            body = request.get_data(as_text=True)
            if args.get("encrypt_type") == "aes":
                body = wechatpy_crypto().decrypt_message(body, args["msg_signature"], args["timestamp"],
                                                         args["nonce"])
            message = parse_message(body)
            self.messages.append((dict(args), message))
            reply = TextReply(content=f"收到：{getattr(message, 'content', '')}", message=message).render()
            if args.get("encrypt_type") == "aes":
                return wechatpy_crypto().encrypt_message(reply, args["nonce"], args["timestamp"])
            return reply

        self.live = LiveServer(app)


@pytest.fixture
def webhook():
    server = Webhook()
    yield server
    server.live.close()


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
def test_wechat_post_reaches_a_wechatpy_webhook_in_every_mode(webhook, mode):
    xml = build_text_message("gh_x", STAFF, "帮助", msg_id=42)
    response = wechat_post(webhook.live.url + "wechat", xml, ACCOUNT, mode=mode)
    assert response.status_code == 200
    args, message = webhook.messages[-1]
    assert (message.type, message.content, message.id, message.source) == ("text", "帮助", 42, STAFF)
    assert args["openid"] == STAFF
    assert ("msg_signature" in args) == (mode != "plain")
    reply = parse_message(decrypt_reply(response, ACCOUNT))
    assert reply.content == "收到：帮助"


def test_wechat_post_adds_the_given_msg_id_to_a_message_without_one(webhook):
    xml = build_image_message("gh_x", STAFF, "MEDIA").replace("<MsgId>", "<X>").replace("</MsgId>", "</X>")
    wechat_post(webhook.live.url + "wechat", xml, ACCOUNT, mode="safe", msg_id=7)
    _, message = webhook.messages[-1]
    assert (message.type, message.media_id, message.id) == ("image", "MEDIA", 7)


def test_decrypt_reply_refuses_a_forged_signature():
    envelope = wechatpy_crypto().encrypt_message("<xml/>", "n", "1").replace("<MsgSignature><![CDATA[",
                                                                            "<MsgSignature><![CDATA[0")
    with pytest.raises(CryptoError):
        decrypt_reply(envelope, ACCOUNT)


def test_decrypt_reply_passes_plain_replies_through():
    assert decrypt_reply("success", ACCOUNT) == "success"
