"""Chat commands as small registered functions.

A command is one function registered with its words, the role it needs and its usage; its
docstring is its line in 帮助. The dispatcher (`bot.commands.dispatch`) finds the command
by its first word, checks the role and hands over the rest of the message as `args`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from publisher.accounts import AccountContext
from publisher.audit import Actor
from publisher.models import Staff
from publisher.runtime import Runtime

# Who may use a command. "editor" means anyone who may write (editors, reviewers, admins).
ROLES_ALLOWED = {
    "anyone": None,
    "staff": {"editor", "reviewer", "admin"},
    "editor": {"editor", "reviewer", "admin"},
    "reviewer": {"reviewer", "admin"},
    "admin": {"admin"},
}


@dataclass
class CommandContext:
    session: Session
    runtime: Runtime
    account: AccountContext
    staff: Staff | None
    actor: Actor
    now: datetime
    openid: str
    inbound_message_id: int | None = None


Handler = Callable[[CommandContext, str], str]


@dataclass(frozen=True)
class Command:
    word: str
    role: str
    usage: str
    handler: Handler = field(repr=False)

    @property
    def help_line(self) -> str:
        summary = (self.handler.__doc__ or "").strip().splitlines()[0] if self.handler.__doc__ else ""
        return f"{self.usage}：{summary}" if summary else self.usage

    def allows(self, staff: Staff | None) -> bool:
        allowed = ROLES_ALLOWED[self.role]
        if allowed is None:
            return True
        return staff is not None and staff.role in allowed


COMMANDS: dict[str, Command] = {}


def command(word: str, *, role: str, usage: str | None = None) -> Callable[[Handler], Handler]:
    if role not in ROLES_ALLOWED:
        raise ValueError(f"unknown role {role!r}")

    def register(handler: Handler) -> Handler:
        if word in COMMANDS:
            raise ValueError(f"command {word!r} registered twice")
        COMMANDS[word] = Command(word, role, usage or word, handler)
        return handler

    return register


def commands_for(staff: Staff | None) -> list[Command]:
    return [c for c in COMMANDS.values() if c.allows(staff)]
