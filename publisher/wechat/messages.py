"""The webhook side: check, decrypt and parse what WeChat pushes; build and encrypt replies.

Every kind of bad input (signature, ciphertext, app id, XML, DTD or entity) raises one
`InvalidMessage`, so the webhook has a single thing to refuse.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import xmltodict
from wechatpy import parse_message as wechatpy_parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.events import BaseEvent, MassSendJobFinishEvent
from wechatpy.fields import BaseField
from wechatpy.replies import TextReply

from publisher.settings import AccountSettings

from .client import PublishStatus
from .errors import InvalidMessage

# A DTD is never part of a WeChat message; refusing it outright closes off entity
# expansion and external entities whatever the XML parser would do with them.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Characters XML 1.0 forbids even inside CDATA.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


def decrypt_message(
    account: AccountSettings, msg_signature: str | None, timestamp: str | None, nonce: str | None, body: bytes
) -> str:
    """The plaintext XML of a safe-mode (AES) message, after checking its msg_signature."""
    if not account.aes_key:
        raise InvalidMessage("account has no EncodingAESKey")
    if not (msg_signature and timestamp and nonce):
        raise InvalidMessage("missing msg_signature, timestamp or nonce")
    envelope = _parse_xml(body)
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise InvalidMessage("no Encrypt element")
    if not hmac.compare_digest(_sign(account.token, timestamp, nonce, encrypted).encode(), msg_signature.encode("utf-8")):
        raise InvalidMessage("bad msg_signature")
    try:
        key = base64.b64decode(account.aes_key + "=")
        return PrpCrypto(key).decrypt(encrypted, account.appid)
    except Exception:
        # wechatpy raises assorted errors here (binascii, struct, unicode, wrong app id).
        raise InvalidMessage("cannot decrypt message") from None


def encrypt_reply(account: AccountSettings, xml: str, nonce: str, timestamp: str | int) -> str:
    """A reply wrapped for safe mode: Encrypt, MsgSignature, TimeStamp, Nonce."""
    if not account.aes_key:
        raise ValueError("account has no EncodingAESKey")
    crypto = WeChatCrypto(account.token, account.aes_key, account.appid)
    return crypto.encrypt_message(xml, nonce, str(timestamp))


def parse_message(xml: str | bytes) -> InboundMessage:
    """A pushed message or event as plain values."""
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    _parse_xml(raw)  # refuses DTDs, entities and malformed XML before wechatpy sees it
    try:
        message = wechatpy_parse_message(raw.decode("utf-8"))
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
    if _DTD.search(body):
        raise InvalidMessage("XML with a DTD or entity declaration")
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except Exception:
        raise InvalidMessage("malformed XML") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise InvalidMessage("no <xml> root element")
    return root


def _inbound(message) -> InboundMessage:
    data = message._data
    msg_type = str(data["MsgType"]).lower()
    event = (str(data.get("Event") or "").lower() or None) if msg_type == "event" else None
    from_openid = str(data.get("FromUserName") or "")
    created = int(data["CreateTime"])
    msg_id = str(data["MsgId"]) if msg_type != "event" and data.get("MsgId") else None

    publish_job = None
    if isinstance(message, PublishJobFinishEvent):
        publish_job = PublishStatus(
            publish_id=message.publish_id,
            status=message.status,
            article_id=message.article_id,
            articles=message.articles,
            fail_idx=message.fail_idx,
        )
    mass_send = None
    if isinstance(message, MassSendJobFinishWithUrlsEvent):
        mass_send = MassSendFinished(
            msg_id=str(message.id),
            status=str(message.status or ""),
            total_count=int(message.total_count),
            filter_count=int(message.filter_count),
            sent_count=int(message.sent_count),
            error_count=int(message.error_count),
            article_urls=message.article_urls,
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
