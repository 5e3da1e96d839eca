"""WeChat's webhook signing and message encryption, written independently of wechatpy.

The sandbox pushes events with these functions and `govpost say` and the chat tests
post messages with them; because they do not share code with wechatpy, a round trip
through wechatpy's `WeChatCrypto` checks both implementations against each other.

The scheme (WeChat's "safe mode"):
- key = base64decode(EncodingAESKey + "="), 32 bytes; IV = key[:16]; AES-256-CBC;
- plaintext = 16 random bytes + 4-byte big-endian length of msg + msg + appid,
  PKCS#7-padded to a multiple of 32 bytes (not 16: WeChat's choice);
- signature = sha1 of the sorted concatenation of token, timestamp, nonce, and in
  safe mode the ciphertext as well (msg_signature).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
import time
import xml.etree.ElementTree as ET
from typing import Protocol

import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .messages import activity_kind

BLOCK_SIZE = 32
MODES = ("plain", "compatible", "safe")


class CryptoError(ValueError):
    """A message that does not decrypt, or is not for the expected appid."""


class Credentials(Protocol):
    appid: str
    token: str
    aes_key: str | None


def sign(token: str, timestamp: str | int, nonce: str, *extra: str) -> str:
    """WeChat's signature: sha1 of the sorted, concatenated parts."""
    parts = sorted([token, str(timestamp), nonce, *extra])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def _key(aes_key: str) -> bytes:
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except ValueError as exc:
        raise CryptoError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise CryptoError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def _cipher(key: bytes) -> Cipher:
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(aes_key: str, appid: str, xml: str) -> str:
    """Encrypt a message for `appid` and return the base64 text of `<Encrypt>`."""
    key = _key(aes_key)
    body = xml.encode("utf-8")
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + appid.encode("utf-8")
    pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE
    plain += bytes([pad]) * pad
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(aes_key: str, appid_expected: str, b64: str) -> str:
    """Decrypt an `<Encrypt>` text; raise CryptoError unless it is well-formed and for this appid."""
    key = _key(aes_key)
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError as exc:
        raise CryptoError("ciphertext is not base64") from exc
    if not raw or len(raw) % 16:
        raise CryptoError("ciphertext length is not a multiple of the AES block")
    decryptor = _cipher(key).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK_SIZE or plain[-pad:] != bytes([pad]) * pad:
        raise CryptoError("bad padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise CryptoError("message too short")
    (length,) = struct.unpack(">I", plain[16:20])
    body, appid = plain[20 : 20 + length], plain[20 + length :]
    if len(body) != length:
        raise CryptoError("length prefix exceeds the message")
    if appid.decode("utf-8", "replace") != appid_expected:
        raise CryptoError("message is for another appid")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CryptoError("message is not UTF-8") from exc


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def build_text_message(to_user: str, from_user: str, content: str, *, msg_id: int | None = None,
                       create_time: int | None = None) -> str:
    """The XML WeChat posts when user `from_user` sends text to account `to_user` (its gh_ id)."""
    return _message(to_user, from_user, create_time, "text", f"<Content>{_cdata(content)}</Content>", msg_id)


def build_image_message(to_user: str, from_user: str, media_id: str, *, pic_url: str = "",
                        msg_id: int | None = None, create_time: int | None = None) -> str:
    """The XML WeChat posts when a user sends an image (MediaId is a temporary media id)."""
    fields = f"<PicUrl>{_cdata(pic_url)}</PicUrl><MediaId>{_cdata(media_id)}</MediaId>"
    return _message(to_user, from_user, create_time, "image", fields, msg_id)


def _message(to_user, from_user, create_time, msg_type, fields, msg_id) -> str:
    msg_id = msg_id if msg_id is not None else secrets.randbelow(10**18) + 10**18
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time or time.time())}</CreateTime>"
        f"<MsgType>{_cdata(msg_type)}</MsgType>{fields}<MsgId>{msg_id}</MsgId></xml>"
    )


def _field(xml: str, name: str) -> str:
    node = ET.fromstring(xml).find(name)
    return "" if node is None or node.text is None else node.text


def wechat_post(url: str, xml: str, account: Credentials, *, mode: str = "plain",
                msg_id: int | None = None, timestamp: int | None = None, nonce: str | None = None,
                timeout: float = 5.0, session: requests.Session | None = None,
                sandbox_url: str | None = None) -> requests.Response:
    """Deliver `xml` to a webhook exactly as WeChat does, and return the raw response.

    Query: signature, timestamp, nonce, openid (the sender, FromUserName); in
    "safe" and "compatible" mode also encrypt_type=aes and msg_signature. The body is
    the XML itself (plain), `<xml><ToUserName/><Encrypt/></xml>` (safe), or the XML with
    `<Encrypt>` added (compatible). `msg_id`, when given, is added as `<MsgId>` to an XML
    that has none, so a retry can be replayed with the same id. Nothing is retried here:
    a test simulating WeChat's retries calls this again.

    `sandbox_url` (the sandbox's base URL) first tells the sandbox that this user just
    wrote to the account (or clicked, followed, scanned), opening the customer-service
    window that WeChat opens for it (publisher/sandbox/messages.py); an event that opens
    none (unsubscribe, VIEW, …) tells it nothing.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if msg_id is not None and ET.fromstring(xml).find("MsgId") is None:
        xml = xml[: xml.rindex("</xml>")] + f"<MsgId>{msg_id}</MsgId></xml>"
    timestamp = int(timestamp if timestamp is not None else time.time())
    nonce = nonce or secrets.token_hex(8)
    params = {
        "signature": sign(account.token, timestamp, nonce),
        "timestamp": str(timestamp),
        "nonce": nonce,
        "openid": _field(xml, "FromUserName"),
    }
    body = xml
    if mode != "plain":
        if not account.aes_key:
            raise ValueError(f"{mode} mode needs the account's aes_key")
        encrypted = encrypt(account.aes_key, account.appid, xml)
        params["encrypt_type"] = "aes"
        params["msg_signature"] = sign(account.token, timestamp, nonce, encrypted)
        if mode == "safe":
            body = (f"<xml><ToUserName>{_cdata(_field(xml, 'ToUserName'))}</ToUserName>"
                    f"<Encrypt>{_cdata(encrypted)}</Encrypt></xml>")
        else:
            body = xml[: xml.rindex("</xml>")] + f"<Encrypt>{_cdata(encrypted)}</Encrypt></xml>"
    http = session or requests
    kind = activity_kind(_field(xml, "MsgType"), _field(xml, "Event"))
    if sandbox_url and kind is not None:
        activity = {"appid": account.appid, "openid": params["openid"], "kind": kind}
        http.post(sandbox_url.rstrip("/") + "/sandbox/user_activity", json=activity, timeout=timeout).raise_for_status()
    return http.post(url, params=params, data=body.encode("utf-8"),
                     headers={"Content-Type": "text/xml"}, timeout=timeout)


def decrypt_reply(reply: requests.Response | str | bytes, account: Credentials) -> str:
    """The plaintext of a webhook's passive reply, checking its signature if encrypted.

    An encrypted reply is `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`;
    a plain reply, "success" or an empty body is returned as is.
    """
    if isinstance(reply, requests.Response):
        reply = reply.content
    text = reply.decode("utf-8") if isinstance(reply, bytes) else reply
    if "<Encrypt>" not in text:
        return text
    encrypted = _field(text, "Encrypt")
    expected = sign(account.token, _field(text, "TimeStamp"), _field(text, "Nonce"), encrypted)
    if _field(text, "MsgSignature") != expected:
        raise CryptoError("reply signature does not match")
    if not account.aes_key:
        raise CryptoError("encrypted reply but the account has no aes_key")
    return decrypt(account.aes_key, account.appid, encrypted)
