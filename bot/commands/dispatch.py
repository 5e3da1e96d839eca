"""From a parsed inbound message to a reply: store it once, find the sender, and either run a
command (first word), add to the open draft, or answer a citizen. Business rules live in the
services of `publisher/`; this module only routes and turns refusals into replies."""
from __future__ import annotations

import logging
import re
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.commands.registry import CommandContext
from bot.commands.table import COMMANDS, EVENT_HANDLERS
from publisher.db import insert_ignoring_duplicates, read_only, transaction
from publisher.errors import Refusal
from publisher.models import Account, InboundMessage, Staff
from publisher.runtime import Runtime
from publisher.services import dialogue
from publisher.services.accounts import AccountContext
from publisher.services.audit import Actor, record
from publisher.services.staff import staff_by_openid
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
        account_id, staff_id = _sender(session, account_name, message.from_openid)
    if staff_id is None and message.msg_type != "event" and _split(message.content or "")[0] != BIND_WORD:
        return _answer_citizen(runtime, account_id, message, raw)
    with transaction(runtime.session_factory) as session:
        # The webhook resolved the name from its URL, _sender the row's id: joined here, once.
        account = AccountContext(account_id, account_name, runtime.settings.account(account_name))
        now = runtime.clock.now()
        inbound = InboundMessage(account_id=account.id, dedup_key=message.dedup_key, from_openid=message.from_openid,
                                 msg_type=message.msg_type, raw=_masked(message, raw), received_at=now)
        try:
            with session.begin_nested():
                session.add(inbound)
        except IntegrityError:
            first = session.scalar(select(InboundMessage).where(
                InboundMessage.account_id == account.id, InboundMessage.dedup_key == message.dedup_key))
            return first.reply or None
        staff = staff_by_openid(session, account.id, message.from_openid) if message.from_openid else None
        inbound.staff_id = staff.id if staff else None
        reply = _respond(session, runtime, account, staff, message, inbound.id)
        inbound.reply = reply or ""
        inbound.handled_at = now
        return reply


def _sender(session: Session, account_name: str, openid: str) -> tuple[int, int | None]:
    """The account's id and the sender's staff id (None: not staff), in one statement."""
    staff = (select(Staff.id).where(Staff.account_id == Account.id, Staff.openid == openid,
                                    Staff.active.is_(True)).scalar_subquery())
    return session.execute(select(Account.id, staff).where(Account.name == account_name)).one()


def _answer_citizen(runtime: Runtime, account_id: int, message: Message, raw: str) -> str | None:
    """A citizen's message changes nothing but its own row: the write is one statement, and
    a retry (the row is there) gets the answer stored the first time."""
    reply = runtime.settings.citizen_auto_reply or None
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        stored = session.execute(
            insert_ignoring_duplicates(session, InboundMessage).values(
                account_id=account_id, dedup_key=message.dedup_key, from_openid=message.from_openid,
                msg_type=message.msg_type, raw=_masked(message, raw), received_at=now, reply=reply or "",
                handled_at=now))
        if stored.rowcount == 1:
            return reply
        first = session.scalar(select(InboundMessage.reply).where(
            InboundMessage.account_id == account_id, InboundMessage.dedup_key == message.dedup_key))
        return first or None


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
