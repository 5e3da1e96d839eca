"""From a parsed inbound message to a reply: store it once, find the sender, and either run a
command (first word), add to the open draft, or answer a citizen. Business rules live in the
services of `publisher/`; this module only routes and turns refusals into replies."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import bindparam, select, update

from bot.commands.registry import CommandContext
from bot.commands.table import COMMANDS, EVENT_HANDLERS
from publisher.db import insert_ignoring_duplicates
from publisher.driver_write import WriteTransaction, write_transaction
from publisher.errors import Refusal
from publisher.models import Account, InboundMessage, Staff
from publisher.models.chat import DraftSession
from publisher.runtime import Runtime
from publisher.services import dialogue, drafting
from publisher.services.accounts import AccountContext
from publisher.services.audit import Actor, record
from publisher.texts import chat as texts
from publisher.texts import staff as staff_texts
from publisher.wechat import InboundMessage as Message
from publisher.wechat.replay import ReplayCache

log = logging.getLogger(__name__)

BIND_WORD = "绑定"
# What is kept of a 绑定's code, in the stored message and the audit log: a leak of either
# must not hand out a code that may still be open.
MASKED_CODE = "****"
_CONTENT = re.compile(r"<Content>.*?</Content>", re.DOTALL)
SUBSCRIBE = "subscribe"


def handle_message(runtime: Runtime, account_name: str, message: Message, raw: str,
                   replay: ReplayCheck | None = None) -> str | None:
    """The reply to `message` (None: nothing to say). A retried message gets the first reply.

    One write transaction, so one commit: the webhook query's replay record (`replay`; raises
    ReplayedQuery, and nothing is kept, when the query came with another message), the stored
    message, and for a member's message the command's work and the reply. A citizen's
    message, most of the traffic, is two statements, run on SQLite's driver under the writer
    lock (publisher.driver_write), so that the lock is held for the driver's work and not for
    SQLAlchemy's around it; an ORM session (its unit of work, its transaction bookkeeping)
    joins the same transaction only for a member's message that needs one, and the lock is
    then held through the member's command as before."""
    now = runtime.clock.now()
    maybe_citizen = message.msg_type != "event" and _split(message.content or "")[0] != BIND_WORD
    citizen_reply = runtime.settings.citizen_auto_reply or None
    early = _answer_before_writing(runtime, account_name, message, now)
    with write_transaction(runtime.engine) as write:
        if replay is not None:
            replay.cache.require(replay.key, message.dedup_key, now, replay.retention, write)
        # One INSERT finds the sender too (an active member's id, or NULL). It stores the row
        # answered as expected (the early reply, or a citizen's); a sender who turns out
        # otherwise gets their own answer by _MARK_HANDLED.
        expected = early.reply if early is not None else (citizen_reply or "") if maybe_citizen else None
        stored = write.execute(_store_statement(write), _inbound_row(
            account_name, message, raw, now, reply=expected)).first()
        if stored is None:  # a retry: the first delivery's row is there
            return _stored_reply(write, account_name, message)
        inbound_id, account_id, staff_id = stored
        if early is not None and early.staff_id == staff_id:  # still that member: the reply stands
            _audit_command(write, account_id, Actor.staff(staff_id, inbound_id), now, early.word, early.args,
                           "done")
            return early.reply
        if staff_id is None and maybe_citizen:
            if early is not None:  # removed since the early read: a citizen now
                write.execute(_MARK_HANDLED, {"message_id": inbound_id, "answer": citizen_reply or "",
                                              "answered_at": now})
            return citizen_reply
        # The session joins the message's transaction: it neither commits nor ends it, so
        # what it holds is flushed before the row's update below (plain SQL) and the commit.
        with runtime.session_factory(bind=write.adopt()) as session:
            # A read-only command not answered before (PostgreSQL): answered here, the same way.
            answered = None if staff_id is None else _read_only_answer(
                session, runtime, account_name, message, now, _MEMBER_ROW, {"staff_id": staff_id})
            if answered is not None:
                _audit_command(session, account_id, Actor.staff(staff_id, inbound_id), now, answered.word,
                               answered.args, "done")
                reply = answered.reply
            else:
                # The webhook resolved the name from its URL, the INSERT the row's id: joined here, once.
                account = AccountContext(account_id, account_name, runtime.settings.account(account_name))
                staff, draft = (session.execute(_MEMBER, {"staff_id": staff_id}).one() if staff_id is not None
                                else (None, None))
                reply = _respond(session, runtime, account, staff, draft, message, inbound_id)
            session.flush()
        write.execute(_MARK_HANDLED, {"message_id": inbound_id, "answer": reply or "", "answered_at": now})
        return reply


@dataclass(frozen=True)
class EarlyReply:
    """A member's read-only command, answered before the message's write transaction."""
    staff_id: int
    word: str
    args: str
    reply: str


def _answer_before_writing(runtime: Runtime, account_name: str, message: Message, now) -> EarlyReply | None:
    """On SQLite, a member's read-only command (查看, 队列, 帮助) is answered in a read
    transaction before the message's write transaction, so the write lock that both workers
    queue on is held for the message's few writes (the replay key, the message with its reply,
    the audit row), not for the command's reads too: a 查看 held it for 79 % of its time
    (bench/webhook_lock.py). None where the whole path must run in the write transaction: not
    SQLite (PostgreSQL's writers do not queue on one lock; a second transaction would only
    cost a round trip), or `_read_only_answer` has none."""
    if runtime.engine.dialect.name != "sqlite" or not _read_only_command(message):
        return None
    with runtime.read_session_factory() as session:
        return _read_only_answer(session, runtime, account_name, message, now, _MEMBER_ROW_BY_OPENID,
                                 {"account": account_name, "openid": message.from_openid})


def _read_only_command(message: Message):
    """The read-only command a text message is, or None."""
    command = COMMANDS.get(_split(message.content or "")[0]) if message.msg_type == "text" else None
    return command if command is not None and command.reads_only else None


def _read_only_answer(session, runtime: Runtime, account_name: str, message: Message, now, member_query,
                      params: dict) -> EarlyReply | None:
    """A read-only command's answer for the active member `member_query` finds, read as a plain
    row (the command reads the member's columns only: an ORM object, with its identity and
    state, cost more than the query). None where the whole path must run: not such a command,
    no such member, not one it allows (the refusal is written down), or an open draft idle long
    enough to be closed by this message (a write)."""
    command = _read_only_command(message)
    if command is None:
        return None
    staff = session.connection().execute(member_query, params).first()
    settings = runtime.settings
    idle = timedelta(minutes=settings.draft_idle_minutes)
    if staff is None or not command.allows(staff) or drafting.is_idle(staff.draft_last_message_at, idle=idle,
                                                                       now=now):
        return None
    word, args = _split(message.content or "")
    account = AccountContext(staff.account_id, account_name, settings.account(account_name))
    ctx = CommandContext(session=session, runtime=runtime, account=account, staff=staff,
                         actor=Actor.staff(staff.id), now=now, openid=message.from_openid, commands=COMMANDS)
    return EarlyReply(staff.id, word, args, _attempt(ctx, lambda: command.handler(ctx, args), savepoint=False))


@dataclass(frozen=True)
class ReplayCheck:
    """The webhook query of a message, checked against the replay cache in the message's own
    transaction (publisher.wechat.replay)."""
    cache: ReplayCache
    key: str
    retention: timedelta


_ACCOUNTS, _STAFF, _INBOUND = Account.__table__, Staff.__table__, InboundMessage.__table__
# The webhook's own statements, built once and run as plain SQL on the session's connection:
# building and compiling them through the ORM on every message was most of a citizen's cost.
_ACCOUNT_ID = select(_ACCOUNTS.c.id).where(_ACCOUNTS.c.name == bindparam("account")).scalar_subquery()
# Looked up in the same statement as the message is stored, never remembered: a member
# removed a moment ago is a citizen from their next message on.
_SENDER_ID = (select(_STAFF.c.id).where(_STAFF.c.account_id == _ACCOUNT_ID, _STAFF.c.openid == bindparam("openid"),
                                        _STAFF.c.active.is_(True)).scalar_subquery())
_STORED_REPLY = select(_INBOUND.c.reply).where(_INBOUND.c.account_id == _ACCOUNT_ID,
                                               _INBOUND.c.dedup_key == bindparam("dedup_key"))
# The member and their open draft (TIMEOUT is checked before every message) in one query.
_MEMBER = (select(Staff, DraftSession).outerjoin(DraftSession, DraftSession.staff_id == Staff.id)
           .where(Staff.id == bindparam("staff_id")))
# A read-only command's member: their columns and when their open draft last had a message,
# found by the sender's openid before the message is stored (SQLite), or by the id its INSERT
# found (PostgreSQL).
_DRAFTS = DraftSession.__table__
_MEMBER_COLUMNS = (select(*_STAFF.c, _DRAFTS.c.last_message_at.label("draft_last_message_at"))
                   .select_from(_STAFF.outerjoin(_DRAFTS, _DRAFTS.c.staff_id == _STAFF.c.id)))
_MEMBER_ROW_BY_OPENID = _MEMBER_COLUMNS.where(_STAFF.c.account_id == _ACCOUNT_ID,
                                              _STAFF.c.openid == bindparam("openid"), _STAFF.c.active.is_(True))
_MEMBER_ROW = _MEMBER_COLUMNS.where(_STAFF.c.id == bindparam("staff_id"))  # the active sender the INSERT found
_MARK_HANDLED = (update(_INBOUND).where(_INBOUND.c.id == bindparam("message_id"))
                 .values(reply=bindparam("answer"), handled_at=bindparam("answered_at")))
_STORE: dict[str, object] = {}


def _store_statement(connection):
    """INSERT … ON CONFLICT DO NOTHING RETURNING (id, account, sender) of an inbound message,
    one per dialect, built on first use. No row back: the message was stored before."""
    name = connection.dialect.name
    if name not in _STORE:
        _STORE[name] = (insert_ignoring_duplicates(connection, _INBOUND)
                        .values(account_id=_ACCOUNT_ID, staff_id=_SENDER_ID)
                        .returning(_INBOUND.c.id, _INBOUND.c.account_id, _INBOUND.c.staff_id))
    return _STORE[name]


def _inbound_row(account_name: str, message: Message, raw: str, now, *, reply: str | None) -> dict:
    return {"account": account_name, "openid": message.from_openid, "dedup_key": message.dedup_key,
            "from_openid": message.from_openid, "msg_type": message.msg_type, "raw": _masked(message, raw),
            "received_at": now, "reply": reply, "handled_at": now if reply is not None else None}


def _stored_reply(write: WriteTransaction, account_name: str, message: Message) -> str | None:
    first = write.execute(_STORED_REPLY, {"account": account_name, "dedup_key": message.dedup_key}).scalar()
    return first or None


def _respond(session, runtime, account, staff, draft, message: Message, inbound_id: int) -> str | None:
    if message.msg_type == "event":
        handler = EVENT_HANDLERS.get(message.event or "")
        if handler is not None:
            handler(session, runtime, account, message)
        if message.event == SUBSCRIBE and staff is None:
            # A new follower's first contact: the same answer any citizen's message gets.
            return runtime.settings.citizen_auto_reply or None
        return None
    ctx = CommandContext(
        session=session, runtime=runtime, account=account, staff=staff,
        actor=Actor.staff(staff.id, inbound_id) if staff else Actor(f"openid:{message.from_openid[:50]}", None, inbound_id),
        now=runtime.clock.now(), openid=message.from_openid, inbound_message_id=inbound_id, commands=COMMANDS,
    )
    word, args = _split(message.content or "") if message.msg_type == "text" else ("", "")
    if staff is None:
        # Citizens never reach a command; binding is the one word open to a not-yet-bound member.
        if word == BIND_WORD:
            return _run(ctx, word, args)
        return runtime.settings.citizen_auto_reply or None

    settings = runtime.settings
    notice = dialogue.close_if_idle(session, current=draft, idle_minutes=settings.draft_idle_minutes,
                                    actor=ctx.actor, clock=runtime.clock, settings=settings)
    reply = _route(ctx, message, word, args)
    return f"{notice}\n\n{reply}" if notice and reply else notice or reply


def _route(ctx: CommandContext, message: Message, word: str, args: str) -> str | None:
    if word in COMMANDS:
        return _run(ctx, word, args)
    turn = dialogue.Turn(session=ctx.session, staff=ctx.staff, actor=ctx.actor, clock=ctx.runtime.clock,
                         msg_type=message.msg_type, text=message.content or "", media_id=message.media_id or "",
                         word=word)
    return _attempt(ctx, lambda: dialogue.answer(turn))


def _run(ctx: CommandContext, word: str, args: str) -> str:
    command = COMMANDS[word]
    if not command.allows(ctx.staff):
        role = staff_texts.ROLE_NAMES.get(ctx.staff.role, ctx.staff.role) if ctx.staff else "—"
        _audit_command(ctx.session, ctx.account.id, ctx.actor, ctx.now, word, args, "refused")
        return texts.NOT_ALLOWED.format(word=word, needed=texts.ROLE_NEEDED.get(command.role, command.role), role=role)
    reply = _attempt(ctx, lambda: command.handler(ctx, args), savepoint=not command.reads_only)
    _audit_command(ctx.session, ctx.account.id, ctx.actor, ctx.now, word, args, "done")
    return reply


def _attempt(ctx: CommandContext, action: Callable[[], str], *, savepoint: bool = True) -> str:
    """Run `action` in a savepoint: a refusal or a crash leaves nothing half-done. A command
    declared `reads_only` has nothing to undo and runs without one."""
    try:
        if not savepoint:
            return action()
        with ctx.session.begin_nested():
            return action()
    except Refusal as refusal:  # what a member may do wrong: the reason is the reply, nothing is kept
        return str(refusal)
    except Exception:
        log.exception("chat command failed (inbound message %s)", ctx.inbound_message_id)
        return texts.INTERNAL_ERROR


def _masked(message: Message, raw: str) -> str:
    """The raw message as stored: a 绑定's Content (CDATA or escaped, however written)
    replaced by the masked form."""
    if not _is_bind(message):
        return raw
    return _CONTENT.sub(lambda _: f"<Content><![CDATA[{BIND_WORD} {MASKED_CODE}]]></Content>", raw)


def _is_bind(message: Message) -> bool:
    # A prefix, not the first word: 「绑定ABCD2345」 typed without the space holds a code too.
    return message.msg_type == "text" and (message.content or "").strip().startswith(BIND_WORD)


def _audit_command(session, account_id: int, actor: Actor, at, word: str, args: str, outcome: str) -> None:
    if word == BIND_WORD:
        args = MASKED_CODE
    record(session, account_id=account_id, actor=actor, action="chat.command", at=at,
           detail={"word": word, "args": args[:200], "outcome": outcome})


def _split(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
