"""Chat commands as small declared functions.

A command is one function that declares its word, the role it needs and its usage with
`@command`; its docstring is its line in 帮助. The table of every command is
`bot.commands.table.COMMANDS`; the dispatcher (`bot.commands.dispatch`) finds the command
there by its first word, checks the role and hands over the rest of the message as `args`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Mapping

from sqlalchemy.orm import Session

from publisher.models import REVIEWER_ROLES, ROLES, Role, Staff
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext
from publisher.services.audit import Actor

# Who may use a command. "editor" means anyone who may write (editors, reviewers, admins).
ROLES_ALLOWED = {
    "anyone": None,
    "staff": set(ROLES),
    "editor": set(ROLES),
    "reviewer": set(REVIEWER_ROLES),
    "admin": {Role.ADMIN.value},
}


@dataclass
class CommandContext:
    session: Session
    runtime: Runtime
    account: AccountContext
    # A read-only command gets the member's row (the same column names, read as attributes)
    # rather than the ORM object: it changes nothing (dispatch._read_only_answer).
    staff: Staff | None
    actor: Actor
    now: datetime
    openid: str
    inbound_message_id: int | None = None
    # The table the message was routed with (帮助 lists from it).
    commands: Mapping[str, Command] = field(default_factory=dict)


Handler = Callable[[CommandContext, str], str]


@dataclass(frozen=True)
class Command:
    word: str
    role: str
    usage: str
    handler: Handler = field(repr=False)
    # Only reads: the dispatcher runs it without a savepoint (tests/bot/test_webhook_statements.py
    # holds each such command to SELECTs).
    reads_only: bool = False

    @property
    def help_line(self) -> str:
        summary = (self.handler.__doc__ or "").strip().splitlines()[0] if self.handler.__doc__ else ""
        return f"{self.usage}：{summary}" if summary else self.usage

    def allows(self, staff: Staff | None) -> bool:
        allowed = ROLES_ALLOWED[self.role]
        if allowed is None:
            return True
        return staff is not None and staff.role in allowed


def command(word: str, *, role: str, usage: str | None = None, reads_only: bool = False) -> Callable[[Handler], Handler]:
    """Declare `handler`'s word, role and usage (and that it only reads); it is routed once it
    is in a table (`table`)."""
    if role not in ROLES_ALLOWED:
        raise ValueError(f"unknown role {role!r}")

    def declare(handler: Handler) -> Handler:
        handler.command = Command(word, role, usage or word, handler, reads_only)
        return handler

    return declare


def table(*handlers: Handler) -> dict[str, Command]:
    """The commands of `handlers` (each declared with `@command`) by word, in the given order."""
    commands: dict[str, Command] = {}
    for handler in handlers:
        declared = handler.command
        if declared.word in commands:
            raise ValueError(f"command {declared.word!r} in the table twice")
        commands[declared.word] = declared
    return commands


def commands_for(commands: Mapping[str, Command], staff: Staff | None) -> list[Command]:
    return [c for c in commands.values() if c.allows(staff)]
