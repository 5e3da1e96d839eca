"""Citizens' messages to the account (留言): the inbound messages of openids that are not
staff, who answered them and when, and answering one as a customer-service message while
WeChat's window is open (政务新媒体 inspections count an account that never answers)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.models import AuditEntry, InboundMessage, Staff, Task
from publisher.services.audit import Actor, record
from publisher.services.notify import CUSTOMER_WINDOW, MESSAGES_PER_WINDOW, queue_text
from publisher.texts import console as texts
from publisher.wechat import InvalidMessage, parse_message

REPLY_ACTION = "message.reply"
MAX_REPLY = 600  # WeChat's customer-service text limit is 2048 bytes; 600 characters stay under it


class ReplyRefused(Refusal):
    """The message says why, in Chinese."""


@dataclass(frozen=True)
class CitizenMessage:
    row: InboundMessage
    text: str
    answered_by: str | None
    answered_at: datetime | None
    window_closes_at: datetime


def _citizen(account_id: int):
    staff_openids = select(Staff.openid).where(Staff.account_id == account_id, Staff.active.is_(True),
                                               Staff.openid.is_not(None))
    return and_(InboundMessage.account_id == account_id, InboundMessage.staff_id.is_(None),
                InboundMessage.msg_type != "event", InboundMessage.from_openid.not_in(staff_openids))


def _answered():
    return exists().where(AuditEntry.inbound_message_id == InboundMessage.id, AuditEntry.action == REPLY_ACTION)


def is_citizen_message(session: Session, message: InboundMessage) -> bool:
    """Only citizens' messages are answered from the 留言 page; staff are told by the bot."""
    return session.scalar(select(func.count()).select_from(InboundMessage)
                          .where(InboundMessage.id == message.id, _citizen(message.account_id))) == 1


def unanswered_count(session: Session, account_id: int) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage)
                          .where(_citizen(account_id), ~_answered()))


def list_messages(session: Session, account_id: int, *, limit: int = 50, offset: int = 0) -> list[CitizenMessage]:
    """Newest first."""
    rows = session.scalars(select(InboundMessage).where(_citizen(account_id))
                           .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
                           .limit(limit).offset(offset)).all()
    last_heard = _last_heard(session, account_id, {r.from_openid for r in rows})
    replies = {e.inbound_message_id: e for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action == REPLY_ACTION,
                                 AuditEntry.inbound_message_id.in_([r.id for r in rows]))
        .order_by(AuditEntry.at))}
    return [CitizenMessage(r, message_text(r), replies[r.id].detail.get("by") if r.id in replies else None,
                           replies[r.id].at if r.id in replies else None,
                           last_heard[r.from_openid] + CUSTOMER_WINDOW) for r in rows]


def message_text(row: InboundMessage) -> str:
    try:
        message = parse_message(row.raw.encode("utf-8"))
    except InvalidMessage:
        return ""
    if message.msg_type == "text":
        return message.content or ""
    return texts.MESSAGE_KINDS.get(message.msg_type, texts.MESSAGE_OTHER_KIND)


def reply(session: Session, message: InboundMessage, text: str, *, by: str, actor: Actor, clock: Clock) -> None:
    """Queue `text` to the citizen as a customer-service message, or ReplyRefused saying why."""
    text = text.strip()
    if not text:
        raise ReplyRefused(texts.REPLY_EMPTY)
    if len(text) > MAX_REPLY:
        raise ReplyRefused(texts.REPLY_TOO_LONG.format(limit=MAX_REPLY, length=len(text)))
    now = clock.now()
    heard = _last_heard(session, message.account_id, {message.from_openid})[message.from_openid]
    if now >= heard + CUSTOMER_WINDOW:
        raise ReplyRefused(texts.REPLY_WINDOW_CLOSED.format(hours=int(CUSTOMER_WINDOW.total_seconds() // 3600)))
    sent = session.scalar(select(func.count()).select_from(Task).where(
        Task.account_id == message.account_id, Task.recipient == message.from_openid, Task.kind == "send_text",
        Task.created_at >= heard))
    if sent >= MESSAGES_PER_WINDOW:
        raise ReplyRefused(texts.REPLY_WINDOW_FULL.format(limit=MESSAGES_PER_WINDOW))
    queue_text(session, account_id=message.account_id, openid=message.from_openid, text=text, now=now)
    record(session, account_id=message.account_id,
           actor=Actor(actor.label, actor.staff_id, message.id), action=REPLY_ACTION, at=now,
           detail={"by": by, "text": text})


def _last_heard(session: Session, account_id: int, openids: set[str]) -> dict[str, datetime]:
    if not openids:
        return {}
    return dict(session.execute(
        select(InboundMessage.from_openid, func.max(InboundMessage.received_at))
        # Only a message opens the 48-hour window; an event's is one minute (publisher/services/notify.py).
        .where(InboundMessage.account_id == account_id, InboundMessage.from_openid.in_(openids),
               InboundMessage.msg_type != "event")
        .group_by(InboundMessage.from_openid)).all())


@dataclass(frozen=True)
class AnswerTime:
    message_id: int
    received_at: datetime
    answered_at: datetime | None  # the first reply's time; None: not answered


def answer_times(session: Session, account_id: int, since: datetime, until: datetime) -> list[AnswerTime]:
    """Each citizen's message received in [since, until) with when it was first answered, oldest
    first: what the 政务新媒体 inspection counts as answered in time or not."""
    first_reply = (select(AuditEntry.inbound_message_id, func.min(AuditEntry.at).label("at"))
                   .where(AuditEntry.action == REPLY_ACTION, AuditEntry.inbound_message_id.is_not(None))
                   .group_by(AuditEntry.inbound_message_id).subquery())
    rows = session.execute(
        select(InboundMessage.id, InboundMessage.received_at, first_reply.c.at)
        .outerjoin(first_reply, first_reply.c.inbound_message_id == InboundMessage.id)
        .where(_citizen(account_id), InboundMessage.received_at >= since, InboundMessage.received_at < until)
        .order_by(InboundMessage.received_at, InboundMessage.id)).all()
    return [AnswerTime(*row) for row in rows]
