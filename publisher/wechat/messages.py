"""The webhook side: check, decrypt and parse what WeChat pushes; build and encrypt replies.

Every kind of bad input (signature, ciphertext, padding, app id, XML, DTD or entity, a shape
WeChat never sends) raises one `InvalidMessage`, so the webhook has a single thing to refuse.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from xml.etree import ElementTree

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from wechatpy import parse_message as wechatpy_parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage
from wechatpy.events import BaseEvent, MassSendJobFinishEvent
from wechatpy.fields import BaseField
from wechatpy.replies import TextReply

from publisher.models import InboundMessage as InboundRow
from publisher.models import Post, PostImage, PublishBundle
from publisher.settings import AccountSettings

from .client import PublishStatus
from .errors import InvalidMessage

# A DTD is never part of a WeChat message; refusing it outright closes off entity
# expansion and external entities whatever the XML parser would do with them.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Characters XML 1.0 forbids even inside CDATA.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# WeChat pads the plaintext to a multiple of 32 bytes (not AES's 16), in bits for `cryptography`.
_PAD_BITS = 32 * 8


def _column_length(column) -> int:
    return column.property.columns[0].type.length


# The fields govpost reads from a message, each a single text (never repeated, nested or
# with attributes), and the longest value WeChat can send: the column it is stored in, so
# that PostgreSQL never sees an over-long value (SQLite would store it silently).
_TEXT_LIMITS = {
    "ToUserName": _column_length(InboundRow.from_openid),
    "FromUserName": _column_length(InboundRow.from_openid),
    "MsgType": _column_length(InboundRow.msg_type),
    # WeChat's longest event name has 17 letters; 32 keeps the dedup key inside its column.
    "Event": 32,
    "EventKey": 256,
    "MediaId": _column_length(PostImage.source_media_id),
    "PicUrl": 1024,
    "Content": None,  # bounded by webhook.max_body_bytes; titles by the checks at 投稿
}
# Integers: CreateTime is a Unix time in seconds, MsgId a 64-bit id.
_NUMBER_DIGITS = {"CreateTime": 10, "MsgId": 20}
_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")


class PublishJobFinishEvent(BaseEvent):
    """PUBLISHJOBFINISH: the outcome of a freepublish submit (wechatpy has no class for it).

    Defining the class registers it in wechatpy's EVENT_TYPES, so `wechatpy.parse_message`
    returns it instead of an UnknownMessage.
    """

    event = "publishjobfinish"
    info = BaseField("PublishEventInfo", {})

    @property
    def publish_id(self) -> str:
        return str(self.info["publish_id"])

    @property
    def status(self) -> int:
        return int(self.info["publish_status"])

    @property
    def article_id(self) -> str | None:
        return str(self.info["article_id"]) if self.info.get("article_id") else None

    @property
    def articles(self) -> list[tuple[int, str]]:
        detail = self.info.get("article_detail") or {}
        return [(int(item["idx"]), str(item["article_url"])) for item in _as_list(detail.get("item"))]

    @property
    def fail_idx(self) -> list[int]:
        return [int(idx) for idx in _as_list(self.info.get("fail_idx"))]


class MassSendJobFinishWithUrlsEvent(MassSendJobFinishEvent):
    """MASSSENDJOBFINISH with the article URLs, which wechatpy's class leaves out."""

    event = "masssendjobfinish"
    article_url_result = BaseField("ArticleUrlResult", {})

    @property
    def article_urls(self) -> list[tuple[int, str]]:
        result_list = (self.article_url_result or {}).get("ResultList") or {}
        return [
            (int(item["ArticleIdx"]), str(item.get("ArticleUrl") or ""))
            for item in _as_list(result_list.get("item"))
        ]


@dataclass(frozen=True)
class MassSendFinished:
    msg_id: str
    status: str  # "send success", "send fail", "err(10001)", ...
    total_count: int
    filter_count: int
    sent_count: int
    error_count: int
    article_urls: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class InboundMessage:
    msg_type: str  # text, image, voice, event, ...
    event: str | None  # lower case: subscribe, click, publishjobfinish, masssendjobfinish, ...
    from_openid: str
    to_user: str
    create_time: datetime
    dedup_key: str
    msg_id: str | None = None
    content: str | None = None
    media_id: str | None = None
    pic_url: str | None = None
    event_key: str | None = None
    publish_job: PublishStatus | None = None  # PUBLISHJOBFINISH: what polling would say
    mass_send: MassSendFinished | None = None


def verify_signature(token: str, signature: str | None, timestamp: str | None, nonce: str | None) -> bool:
    """The plain-mode signature: sha1 of token, timestamp and nonce, sorted and joined."""
    if not (signature and timestamp and nonce):
        return False
    return hmac.compare_digest(_sign(token, timestamp, nonce).encode(), signature.encode("utf-8"))


def timestamp_is_fresh(timestamp: str | None, now: datetime, window_seconds: int) -> bool:
    """Whether a push's timestamp is within `window_seconds` of now: the protocol itself does
    nothing against a recorded request being replayed later."""
    try:
        sent = int(timestamp or "")
    except ValueError:
        return False
    return abs(now.timestamp() - sent) <= window_seconds


@dataclass(frozen=True)
class OpenedMessage:
    """The message XML an account's mode lets through, and whether it came encrypted (the
    reply is encrypted then too)."""

    xml: bytes
    encrypted: bool


def open_message(account: AccountSettings, query: Mapping[str, str], body: bytes) -> OpenedMessage:
    """Apply the account's message mode to a request whose plain `signature` already checked.

    - plain (明文): the body as it is; a message sent encrypted (`encrypt_type=aes`) is
      decrypted, as before modes existed, so an account can switch WeChat over first.
    - compatible (兼容): WeChat then sends every message with both the plain fields and an
      `Encrypt` element, signed by `msg_signature`; only the decrypted part is acted on, and a
      request without it is not one WeChat sends in this mode: refused.
    - safe (安全): the body is `ToUserName` and `Encrypt` only, with a valid `msg_signature`;
      anything else is refused.
    The query's `encrypt_type` decides nothing in compatible and safe mode: it is not signed.
    """
    timestamp, nonce, msg_signature = query.get("timestamp"), query.get("nonce"), query.get("msg_signature")
    if account.message_mode == "plain" and query.get("encrypt_type") != "aes":
        return OpenedMessage(body, encrypted=False)
    envelope = _parse_xml(body)
    if account.message_mode == "safe" and set(envelope) - {"ToUserName", "Encrypt"}:
        raise InvalidMessage("safe mode: the body holds more than ToUserName and Encrypt")
    xml = _decrypt_envelope(account, msg_signature, timestamp, nonce, envelope)
    return OpenedMessage(xml.encode("utf-8"), encrypted=True)


def decrypt_message(
    account: AccountSettings, msg_signature: str | None, timestamp: str | None, nonce: str | None, body: bytes
) -> str:
    """The plaintext XML of a safe-mode (AES) message, after checking its msg_signature."""
    return _decrypt_envelope(account, msg_signature, timestamp, nonce, _parse_xml(body))


def _decrypt_envelope(account, msg_signature, timestamp, nonce, envelope: dict) -> str:
    if not account.aes_key:
        raise InvalidMessage("account has no EncodingAESKey")
    if not (msg_signature and timestamp and nonce):
        raise InvalidMessage("missing msg_signature, timestamp or nonce")
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise InvalidMessage("no Encrypt element")
    if not hmac.compare_digest(_sign(account.token, timestamp, nonce, encrypted).encode(), msg_signature.encode("utf-8")):
        raise InvalidMessage("bad msg_signature")
    return _decrypt(account, encrypted)


def _decrypt(account: AccountSettings, encrypted: str) -> str:
    """AES-256-CBC (IV = key[:16]) over: 16 random bytes, a 4-byte length, the XML, the AppId,
    PKCS#7-padded to 32 bytes. wechatpy's PrpCrypto strips the padding without checking it;
    `cryptography`'s unpadder refuses a malformed one."""
    key = base64.b64decode(account.aes_key + "=")
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidMessage("ciphertext is not base64") from None
    if not raw or len(raw) % 16:
        raise InvalidMessage("ciphertext is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    padded = decryptor.update(raw) + decryptor.finalize()
    unpadder = padding.PKCS7(_PAD_BITS).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise InvalidMessage("malformed PKCS#7 padding") from None
    if len(plain) < 20:
        raise InvalidMessage("decrypted message too short")
    (length,) = struct.unpack(">I", plain[16:20])
    xml, appid = plain[20 : 20 + length], plain[20 + length :]
    if len(xml) != length:
        raise InvalidMessage("length prefix exceeds the message")
    if not hmac.compare_digest(appid, account.appid.encode("utf-8")):
        raise InvalidMessage("message is for another AppId")
    try:
        return xml.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidMessage("decrypted message is not UTF-8") from None


def encrypt_reply(account: AccountSettings, xml: str, nonce: str, timestamp: str | int) -> str:
    """A reply wrapped for safe mode: Encrypt, MsgSignature, TimeStamp, Nonce."""
    if not account.aes_key:
        raise ValueError("account has no EncodingAESKey")
    crypto = WeChatCrypto(account.token, account.aes_key, account.appid)
    return crypto.encrypt_message(xml, nonce, str(timestamp))


def parse_message(xml: str | bytes) -> InboundMessage:
    """A pushed message or event as plain values."""
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = _parse_xml(raw)
    _check_shape(root)  # DTDs, entities, malformed XML, wrong shapes: before wechatpy
    try:
        # A message's class goes by its MsgType alone, so the tree parsed above serves; events
        # (and device messages) take wechatpy's own parse, which rewrites some of their fields.
        kind = str(root["MsgType"]).lower()
        if kind == "event" or kind.startswith("device_"):
            message = wechatpy_parse_message(raw.decode("utf-8"))
        else:
            message = MESSAGE_TYPES.get(kind, UnknownMessage)(root)
        return _inbound(message)
    except InvalidMessage:
        raise
    except Exception:
        raise InvalidMessage("not a WeChat message") from None


def text_reply(to: str, from_: str, text: str, *, create_time: int | None = None) -> str:
    """A passive text reply. Safe for echoing user input: `]]>` cannot end the CDATA."""
    content = _XML_ILLEGAL.sub("", text).replace("]]>", "]]]]><![CDATA[>")
    reply = TextReply(
        source=_XML_ILLEGAL.sub("", from_).replace("]]>", ""),
        target=_XML_ILLEGAL.sub("", to).replace("]]>", ""),
        content=content,
        time=int(create_time if create_time is not None else time.time()),
    )
    return reply.render()


def _sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _parse_xml(body: bytes) -> dict:
    """The children of the `<xml>` root as xmltodict (and so wechatpy) gives them: a field's
    text stripped (None when empty), a repeated field a list, a nested one (or one with
    attributes) a dict. ElementTree builds the tree in C; xmltodict's Python callbacks for
    every element were a tenth of a citizen's webhook request (bench/webhook_cost.py)."""
    if _DTD.search(body):
        raise InvalidMessage("XML with a DTD or entity declaration")
    try:
        root = ElementTree.fromstring(body)
    except Exception:
        raise InvalidMessage("malformed XML") from None
    fields = _value(root) if root.tag == "xml" else None
    if not isinstance(fields, dict):
        raise InvalidMessage("no <xml> root element")
    return fields


def _children(element) -> dict:
    fields: dict = {}
    for child in element:
        value = _value(child)
        if child.tag not in fields:
            fields[child.tag] = value
        elif isinstance(fields[child.tag], list):
            fields[child.tag].append(value)
        else:
            fields[child.tag] = [fields[child.tag], value]
    return fields


def _value(element):
    if not len(element) and not element.attrib:  # a field, as WeChat sends every one
        return (element.text or "").strip() or None
    text = "".join(part for part in (element.text, *(child.tail for child in element)) if part).strip() or None
    nested = {f"@{name}": value for name, value in element.attrib.items()} | _children(element)
    if text is not None:
        nested["#text"] = text
    return nested


def _check_shape(root: dict) -> None:
    """Refuse a message WeChat would never send: a field govpost reads that is missing,
    repeated, nested, not a number where WeChat sends one, or longer than WeChat makes it."""
    for name in _REQUIRED:
        if not root.get(name):
            raise InvalidMessage(f"no {name}")
    for name, limit in _TEXT_LIMITS.items():
        value = root.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidMessage(f"{name} is not a single text")
        if value is not None and limit is not None and len(value) > limit:
            raise InvalidMessage(f"{name} longer than {limit} characters")
    for name, digits in _NUMBER_DIGITS.items():
        value = root.get(name)
        if value is not None and not (isinstance(value, str) and value.isascii() and value.isdigit()
                                      and len(value) <= digits):
            raise InvalidMessage(f"{name} is not a number of at most {digits} digits")


def _bounded(value: str, column, name: str) -> str:
    """A value from a job event, refused when longer than the column it is matched or kept in."""
    limit = _column_length(column)
    if len(value) > limit:
        raise InvalidMessage(f"{name} longer than {limit} characters")
    return value


def _inbound(message) -> InboundMessage:
    data = message._data
    msg_type = str(data["MsgType"]).lower()
    event = (str(data.get("Event") or "").lower() or None) if msg_type == "event" else None
    from_openid = str(data.get("FromUserName") or "")
    created = int(data["CreateTime"])
    msg_id = str(data["MsgId"]) if msg_type != "event" and data.get("MsgId") else None

    publish_job = None
    if isinstance(message, PublishJobFinishEvent):
        article_id = message.article_id
        publish_job = PublishStatus(
            publish_id=_bounded(message.publish_id, PublishBundle.publish_id, "publish_id"),
            status=message.status,
            article_id=article_id and _bounded(article_id, PublishBundle.article_id, "article_id"),
            articles=[(idx, _bounded(url, Post.article_url, "article_url")) for idx, url in message.articles],
            fail_idx=message.fail_idx,
        )
    mass_send = None
    if isinstance(message, MassSendJobFinishWithUrlsEvent):
        mass_send = MassSendFinished(
            msg_id=_bounded(str(message.id), PublishBundle.msg_id, "MsgID"),
            status=str(message.status or ""),
            total_count=int(message.total_count),
            filter_count=int(message.filter_count),
            sent_count=int(message.sent_count),
            error_count=int(message.error_count),
            article_urls=[(idx, _bounded(url, Post.article_url, "ArticleUrl")) for idx, url in message.article_urls],
        )

    return InboundMessage(
        msg_type=msg_type,
        event=event,
        from_openid=from_openid,
        to_user=str(data.get("ToUserName") or ""),
        create_time=datetime.fromtimestamp(created, tz=timezone.utc),
        dedup_key=_dedup_key(msg_id, from_openid, created, event or msg_type, publish_job, mass_send),
        msg_id=msg_id,
        content=getattr(message, "content", None),
        media_id=getattr(message, "media_id", None),
        pic_url=getattr(message, "image", None),
        event_key=str(data["EventKey"]) if event and data.get("EventKey") else None,
        publish_job=publish_job,
        mass_send=mass_send,
    )


def _dedup_key(msg_id, from_openid, created, event, publish_job, mass_send) -> str:
    """What makes a delivery the same message when WeChat retries it.

    Messages carry a MsgId. Events are keyed by sender and time, except the two job results:
    WeChat sends every one of them from the same sender, so two jobs finishing in the same
    second would collide; they are keyed by the job instead.
    """
    if msg_id:
        return f"msg:{msg_id}"
    if publish_job is not None:
        return f"event:publishjobfinish:{publish_job.publish_id}:{publish_job.status}"
    if mass_send is not None:
        return f"event:masssendjobfinish:{mass_send.msg_id}"
    return f"event:{from_openid}:{created}:{event}"


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
