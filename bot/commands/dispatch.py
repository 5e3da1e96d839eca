"""From a parsed inbound message to a reply: store it once, find the sender, and either run a
command (first word), add to the open draft, or answer a citizen. Business rules live in the
services of `publisher/`; this module only routes and turns refusals into replies."""
from __future__ import annotations

import logging
import re
from typing import Callable

from sqlalchemy import bindparam, select, update

from bot.commands.registry import CommandContext
from bot.commands.table import COMMANDS, EVENT_HANDLERS
from publisher.db import insert_ignoring_duplicates, read_only, transaction
from publisher.errors import Refusal
from publisher.models import Account, InboundMessage, Staff
from publisher.runtime import Runtime
from publisher.services import dialogue
from publisher.services.accounts import AccountContext
from publisher.services.audit import Actor, record
from publisher.texts import chat as texts
from publisher.texts import staff as staff_texts
from publisher.wechat import InboundMessage as Message

log = logging.getLogger(__name__)

BIND_WORD = "绑定"
# What is kept of a 绑定's code, in the stored message and the audit log: a leak of either
# must not hand out a code that may still be open.
MASKED_CODE = "****"
_CONTENT = re.compile(r"<Content>.*?</Content>", re.DOTALL)
SUBSCRIBE = "subscribe"


def handle_message(runtime: Runtime, account_name: str, message: Message, raw: str) -> str | None:
    """The reply to `message` (None: nothing to say). A retried message gets the first reply."""
    with read_only(runtime.session_factory)() as session:
        account_id, staff_id = session.connection().execute(
            _SENDER, {"account": account_name, "openid": message.from_openid}).one()
    if staff_id is None and message.msg_type != "event" and _split(message.content or "")[0] != BIND_WORD:
        return _answer_citizen(runtime, account_id, message, raw)
    with transaction(runtime.session_factory) as session:
        # The webhook resolved the name from its URL, _SENDER the row's id: joined here, once.
        account = AccountContext(account_id, account_name, runtime.settings.account(account_name))
        now = runtime.clock.now()
        # By primary key: the member's row before the message's, so that the message is stored
        # with its sender in one INSERT.
        staff = session.get(Staff, staff_id) if staff_id is not None else None
        connection = session.connection()
        inbound_id = connection.execute(
            _store_statement(connection, returning=True),
            _inbound_row(account_id, message, raw, now, staff_id=staff.id if staff else None)).scalar()
        if inbound_id is None:  # a retry: the first delivery's row is there
            return _stored_reply(connection, account_id, message)
        reply = _respond(session, runtime, account, staff, message, inbound_id)
        session.flush()  # the reply's own rows first: the row's update below is plain SQL
        connection.execute(_MARK_HANDLED, {"message_id": inbound_id, "answer": reply or "", "answered_at": now})
        return reply


_ACCOUNTS, _STAFF, _INBOUND = Account.__table__, Staff.__table__, InboundMessage.__table__
# The webhook's own statements, built once and run as plain SQL on the session's connection:
# building and compiling them through the ORM on every message was most of a citizen's cost.
_SENDER = select(
    _ACCOUNTS.c.id,
    select(_STAFF.c.id).where(_STAFF.c.account_id == _ACCOUNTS.c.id, _STAFF.c.openid == bindparam("openid"),
                              _STAFF.c.active.is_(True)).scalar_subquery(),
).where(_ACCOUNTS.c.name == bindparam("account"))
_STORED_REPLY = select(_INBOUND.c.reply).where(_INBOUND.c.account_id == bindparam("account_id"),
                                               _INBOUND.c.dedup_key == bindparam("dedup_key"))
_MARK_HANDLED = (update(_INBOUND).where(_INBOUND.c.id == bindparam("message_id"))
                 .values(reply=bindparam("answer"), handled_at=bindparam("answered_at")))
_STORE: dict[tuple[str, bool], object] = {}


def _store_statement(connection, *, returning: bool):
    """INSERT … ON CONFLICT DO NOTHING of an inbound message (RETURNING its id when asked),
    one per dialect, built on first use."""
    key = (connection.dialect.name, returning)
    if key not in _STORE:
        statement = insert_ignoring_duplicates(connection, _INBOUND)
        _STORE[key] = statement.returning(_INBOUND.c.id) if returning else statement
    return _STORE[key]


def _inbound_row(account_id: int, message: Message, raw: str, now, *, staff_id: int | None = None,
                 reply: str | None = None) -> dict:
    return {"account_id": account_id, "dedup_key": message.dedup_key, "from_openid": message.from_openid,
            "msg_type": message.msg_type, "raw": _masked(message, raw), "received_at": now, "staff_id": staff_id,
            "reply": reply, "handled_at": now if reply is not None else None}


def _stored_reply(connection, account_id: int, message: Message) -> str | None:
    first = connection.execute(_STORED_REPLY, {"account_id": account_id, "dedup_key": message.dedup_key}).scalar()
    return first or None


def _answer_citizen(runtime: Runtime, account_id: int, message: Message, raw: str) -> str | None:
    """A citizen's message changes nothing but its own row: the write is one statement, and
    a retry (the row is there) gets the answer stored the first time."""
    reply = runtime.settings.citizen_auto_reply or None
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        connection = session.connection()
        stored = connection.execute(_store_statement(connection, returning=False),
                                    _inbound_row(account_id, message, raw, now, reply=reply or ""))
        if stored.rowcount == 1:
            return reply
        return _stored_reply(connection, account_id, message)


def _respond(session, runtime, account, staff, message: Message, inbound_id: int) -> str | None:
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
    notice = dialogue.close_if_idle(session, staff_id=staff.id, idle_minutes=settings.draft_idle_minutes,
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
        _audit_command(ctx, word, args, "refused")
        return texts.NOT_ALLOWED.format(word=word, needed=texts.ROLE_NEEDED.get(command.role, command.role), role=role)
    reply = _attempt(ctx, lambda: command.handler(ctx, args))
    _audit_command(ctx, word, args, "done")
    return reply


def _attempt(ctx: CommandContext, action: Callable[[], str]) -> str:
    """Run `action` in a savepoint: a refusal or a crash leaves nothing half-done."""
    try:
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


def _audit_command(ctx: CommandContext, word: str, args: str, outcome: str) -> None:
    if word == BIND_WORD:
        args = MASKED_CODE
    record(ctx.session, account_id=ctx.account.id, actor=ctx.actor, action="chat.command", at=ctx.now,
           detail={"word": word, "args": args[:200], "outcome": outcome})


def _split(text: str) -> tuple[str, str]:
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
