"""Message modes at the webhook (issue 9, F1 and F3): a safe-mode account is never commanded by
a plain body, whatever the query claims; a compatible one acts on the encrypted part only; an
encrypted message gets an encrypted answer; an account with no Token answers nothing at all."""
from __future__ import annotations

import base64
import os
import struct
import time
from dataclasses import replace

import pytest
import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import func, select

from publisher.models import AuditEntry, InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply, encrypt, sign, wechat_post
from tests.bot.conftest import reply_text

EDITOR, REVIEWER = "oEditor000000000000000000001", "oReviewer00000000000000000001"


def counts(live):
    with live.runtime.session_factory() as s:
        return (s.scalar(select(func.count()).select_from(InboundMessage)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def submitted_post(live) -> int:
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    live.say(REVIEWER, f"绑定 {live.invite('李书记', 'reviewer')}")
    post_id = int(live.say(EDITOR, "投稿 待审核的稿件").split("稿件 ")[1].split("「")[0])
    live.say(EDITOR, "正文一段。")
    live.say(EDITOR, "完成")
    live.say(EDITOR, f"提交 {post_id}")
    return post_id


def status_of(live, post_id: int) -> str:
    with live.runtime.session_factory() as s:
        return s.get(Post, post_id).status


def copied_query(live, **extra) -> dict:
    """signature, timestamp and nonce as any request of the last minutes carries them."""
    ts, nonce = str(int(time.time())), f"n{time.monotonic_ns()}"
    return {"signature": sign(live.account.token, ts, nonce), "timestamp": ts, "nonce": nonce, **extra}


# What an attacker who saw one request URL can claim in the query of a plain body.
CLAIMS = [
    pytest.param({}, id="no-encrypt_type"),
    pytest.param({"encrypt_type": "AES"}, id="AES"),
    pytest.param({"encrypt_type": "raw"}, id="raw"),
    pytest.param({"encrypt_type": "aes"}, id="aes-without-msg_signature"),
    pytest.param({"encrypt_type": "aes", "msg_signature": "0" * 40}, id="aes-with-a-made-up-msg_signature"),
]


@pytest.mark.parametrize("live", ["safe", "compatible"], indirect=True)
@pytest.mark.parametrize("claim", CLAIMS)
def test_a_plain_body_never_commands_a_safe_or_compatible_account(live, claim):
    post_id = submitted_post(live)
    before = counts(live)
    forged = build_text_message("gh_township", REVIEWER, f"通过 {post_id}", msg_id=990001)

    response = requests.post(live.url + "/wechat", params=copied_query(live, **claim), data=forged.encode(), timeout=5)

    assert response.status_code == 403
    assert counts(live) == before and status_of(live, post_id) == "submitted"


@pytest.mark.parametrize("live", ["safe"], indirect=True)
def test_a_safe_account_refuses_plain_fields_even_beside_a_valid_encrypted_part(live):
    before = counts(live)
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=990002)
    params = copied_query(live, encrypt_type="aes")
    encrypted = encrypt(live.account.aes_key, live.account.appid, xml)
    params["msg_signature"] = sign(live.account.token, params["timestamp"], params["nonce"], encrypted)
    body = xml[: xml.rindex("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    assert requests.post(live.url + "/wechat", params=params, data=body.encode(), timeout=5).status_code == 403
    assert counts(live) == before


@pytest.mark.parametrize("live", ["compatible"], indirect=True)
def test_a_compatible_account_acts_on_the_encrypted_part_not_the_plain_fields(live):
    post_id = submitted_post(live)
    # The plain fields say the reviewer approves; the encrypted part is the editor asking for help.
    genuine = build_text_message("gh_township", EDITOR, "帮助", msg_id=990003)
    forged = build_text_message("gh_township", REVIEWER, f"通过 {post_id}", msg_id=990004)
    params = copied_query(live, encrypt_type="aes")
    encrypted = encrypt(live.account.aes_key, live.account.appid, genuine)
    params["msg_signature"] = sign(live.account.token, params["timestamp"], params["nonce"], encrypted)
    body = forged[: forged.rindex("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    response = requests.post(live.url + "/wechat", params=params, data=body.encode(), timeout=5)

    assert response.status_code == 200 and "<Encrypt>" in response.text
    assert "张三" in reply_text(decrypt_reply(response, live.account))  # the editor's 帮助
    assert status_of(live, post_id) == "submitted"


@pytest.mark.parametrize("live, mode", [("plain", "plain"), ("plain", "safe"), ("compatible", "compatible"),
                                        ("compatible", "safe"), ("safe", "safe")], indirect=["live"])
def test_a_message_that_came_encrypted_is_answered_encrypted(live, mode):
    live.say(EDITOR, f"绑定 {live.invite('张三', 'editor')}", mode=mode)
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=990005)

    response = live.post(xml, mode=mode)

    assert response.status_code == 200
    assert ("<Encrypt>" in response.text) == (mode != "plain")
    assert "张三" in reply_text(decrypt_reply(response, live.account))


@pytest.mark.parametrize("live", ["plain", "compatible", "safe"], indirect=True)
def test_an_account_without_a_token_refuses_every_request_in_every_mode(live):
    tokenless = replace(live.account, token="")
    live.runtime.settings = live.runtime.settings.with_overrides(accounts=(tokenless,))
    before = counts(live)
    ts, nonce = str(int(time.time())), "n0nce"
    empty_signature = {"signature": sign("", ts, nonce), "timestamp": ts, "nonce": nonce}

    verification = requests.get(live.url + "/wechat", params={**empty_signature, "echostr": "e"}, timeout=5)
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=990006)
    # Signed and encrypted with the empty token, exactly as the account's settings would.
    posts = [wechat_post(live.url + "/wechat", xml, tokenless, mode=mode, timeout=5)
             for mode in ("plain", "compatible", "safe")]

    assert verification.status_code == 403 and verification.text != "e"
    assert [r.status_code for r in posts] == [403] * 3
    assert counts(live) == before


@pytest.mark.parametrize("live", ["safe", "compatible", "plain"], indirect=True)
def test_a_correctly_signed_message_with_malformed_padding_gets_403_and_is_not_stored(live):
    key = base64.b64decode(live.account.aes_key + "=")
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=990007).encode()
    plain = os.urandom(16) + struct.pack(">I", len(xml)) + xml + live.account.appid.encode()
    pad = 32 - len(plain) % 32
    plain += bytes(pad - 1) + bytes([pad])  # the right length byte after zeros: not PKCS#7
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    encrypted = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    params = copied_query(live, encrypt_type="aes")
    params["msg_signature"] = sign(live.account.token, params["timestamp"], params["nonce"], encrypted)
    body = f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    before = counts(live)

    assert requests.post(live.url + "/wechat", params=params, data=body.encode(), timeout=5).status_code == 403
    assert counts(live) == before
