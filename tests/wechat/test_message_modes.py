"""The message modes, PKCS#7 padding and the shapes WeChat sends, below the webhook: every
refusal is one `InvalidMessage`, so the webhook answers it with one status."""
from __future__ import annotations

import base64
import os
import struct
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from publisher.sandbox import build_text_message, encrypt, sign
from publisher.wechat.errors import InvalidMessage
from publisher.wechat.messages import decrypt_message, open_message, parse_message
from tests.support import STAFF_TEXT_XML as TEXT
from tests.support import WECHAT_ACCOUNT as ACCOUNT
from tests.wechat.wrong_shapes import WRONG_SHAPES, message

TS, NONCE = "1740800000", "nonce42"
SAFE, COMPATIBLE, PLAIN = (replace(ACCOUNT, message_mode=m) for m in ("safe", "compatible", "plain"))


def query(body_encrypt: str | None = None, **extra) -> dict:
    params = {"signature": sign(ACCOUNT.token, TS, NONCE), "timestamp": TS, "nonce": NONCE, **extra}
    if body_encrypt is not None:
        params["msg_signature"] = sign(ACCOUNT.token, TS, NONCE, body_encrypt)
    return params


def safe_body(encrypted: str) -> bytes:
    return f"<xml><ToUserName><![CDATA[gh_township]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()


# modes

# Every way a request can claim to be plain, or claim encryption it does not carry.
PLAIN_CLAIMS = [
    pytest.param({}, id="no-encrypt_type"),
    pytest.param({"encrypt_type": "raw"}, id="raw"),
    pytest.param({"encrypt_type": "AES"}, id="AES-upper-case"),
    pytest.param({"encrypt_type": "aes"}, id="aes-but-no-msg_signature"),
    pytest.param({"encrypt_type": "aes", "msg_signature": sign(ACCOUNT.token, TS, NONCE)}, id="aes-plain-signature"),
    pytest.param({"encrypt_type": "none"}, id="none"),
]


@pytest.mark.parametrize("claim", PLAIN_CLAIMS)
@pytest.mark.parametrize("account", [SAFE, COMPATIBLE], ids=["safe", "compatible"])
def test_safe_and_compatible_accounts_refuse_a_plain_body_whatever_the_query_says(account, claim):
    with pytest.raises(InvalidMessage):
        open_message(account, query(**claim), TEXT.encode())


def test_a_safe_account_refuses_plain_fields_beside_the_encrypted_part():
    encrypted = encrypt(ACCOUNT.aes_key, ACCOUNT.appid, TEXT)
    compatible_body = TEXT[: TEXT.rindex("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    with pytest.raises(InvalidMessage):
        open_message(SAFE, query(encrypted, encrypt_type="aes"), compatible_body.encode())


def test_a_compatible_account_acts_on_the_encrypted_part_not_the_plain_fields():
    forged_plain = build_text_message("gh_township", "oReviewer0000000000000000001", "通过 1", msg_id=1)
    genuine = build_text_message("gh_township", "oEditor00000000000000000001", "帮助", msg_id=2)
    encrypted = encrypt(ACCOUNT.aes_key, ACCOUNT.appid, genuine)
    body = forged_plain[: forged_plain.rindex("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    opened = open_message(COMPATIBLE, query(encrypted, encrypt_type="aes"), body.encode())
    assert opened.encrypted and parse_message(opened.xml).content == "帮助"


@pytest.mark.parametrize("account", [SAFE, COMPATIBLE, PLAIN], ids=["safe", "compatible", "plain"])
def test_every_mode_takes_a_safe_mode_message_and_says_it_came_encrypted(account):
    encrypted = encrypt(ACCOUNT.aes_key, ACCOUNT.appid, TEXT)
    opened = open_message(account, query(encrypted, encrypt_type="aes"), safe_body(encrypted))
    assert opened.encrypted and opened.xml.decode() == TEXT


def test_a_plain_account_takes_a_plain_body_as_it_is():
    opened = open_message(PLAIN, query(), TEXT.encode())
    assert not opened.encrypted and opened.xml == TEXT.encode()


# padding


def _ciphertext_with_padding(pad: bytes) -> str:
    """A message for ACCOUNT encrypted exactly as WeChat does, except for its padding."""
    key = base64.b64decode(ACCOUNT.aes_key + "=")
    xml = TEXT.encode()
    plain = os.urandom(16) + struct.pack(">I", len(xml)) + xml + ACCOUNT.appid.encode() + pad
    assert len(plain) % 16 == 0, "the test must keep whole AES blocks"
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def _padding_cases():
    unpadded = 16 + 4 + len(TEXT.encode()) + len(ACCOUNT.appid)
    right = 32 - unpadded % 32
    to16 = 16 - unpadded % 16 or 16
    return [
        pytest.param(bytes([right]) * right, True, id="correct"),
        pytest.param(bytes([right]) * (right - 1) + bytes([right - 1 or 1]), False, id="last-byte-differs"),
        pytest.param(bytes([7]) * (right - 1) + bytes([right]), False, id="bytes-before-last-differ"),
        pytest.param(bytes(right - 1) + bytes([right]), False, id="zeros-then-length"),
        pytest.param(bytes(right), False, id="all-zero"),
        pytest.param(bytes([right]) * right + bytes([48]) * 32, False, id="pad-byte-over-32"),
        pytest.param(bytes([right + 32 if right + 32 < 256 else 255]) * right, False, id="wrong-pad-value"),
        *([pytest.param(bytes([to16]) * to16, False, id="padded-to-16-not-32")] if to16 != right else []),
    ]


@pytest.mark.parametrize("pad, accepted", _padding_cases())
def test_a_correctly_signed_message_with_malformed_padding_is_refused(pad, accepted):
    encrypted = _ciphertext_with_padding(pad)
    signature = sign(ACCOUNT.token, TS, NONCE, encrypted)
    if accepted:
        assert decrypt_message(SAFE, signature, TS, NONCE, safe_body(encrypted)) == TEXT
    else:
        with pytest.raises(InvalidMessage):
            decrypt_message(SAFE, signature, TS, NONCE, safe_body(encrypted))


# shapes


@pytest.mark.parametrize("xml", WRONG_SHAPES)
def test_xml_of_a_shape_wechat_never_sends_raises_invalid_message(xml):
    with pytest.raises(InvalidMessage):
        parse_message(xml)


def test_the_shape_check_leaves_wechats_own_messages_alone():
    assert parse_message(message()).content == "帮助"
    image = parse_message(message(msg_type="image", fields="<PicUrl>http://x/y</PicUrl><MediaId>m1</MediaId>"))
    assert image.media_id == "m1"

