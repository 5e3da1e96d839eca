"""The append-only audit log: every command and every state change, with who and when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from publisher.models import AuditEntry

if TYPE_CHECKING:  # the webhook's write transaction, which runs statements as a Connection does
    from publisher.driver_write import WriteTransaction


@dataclass(frozen=True)
class Actor:
    """Who causes a change, as the audit log names them."""

    label: str  # "staff:12", "admin:wang", "system", "cli"
    staff_id: int | None = None
    inbound_message_id: int | None = None

    @classmethod
    def staff(cls, staff_id: int, inbound_message_id: int | None = None) -> "Actor":
        return cls(f"staff:{staff_id}", staff_id, inbound_message_id)


SYSTEM = Actor("system")
CLI = Actor("cli")


# Built once: every chat command writes one row, and an ORM object per row (its unit-of-work
# flush) cost a webhook message more than the INSERT itself.
_APPEND = insert(AuditEntry.__table__)


def record(
    session: Session | Connection | WriteTransaction,
    *,
    account_id: int,
    actor: Actor,
    action: str,
    at: datetime,
    post_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append an entry in the session's (or the connection's) transaction; its id. What a
    session still holds is flushed first, so that entries keep the order in which things
    happened."""
    if isinstance(session, Session):
        session.flush()
        session = session.connection()
    return session.execute(_APPEND, {
        "account_id": account_id, "at": at, "actor": actor.label, "staff_id": actor.staff_id,
        "inbound_message_id": actor.inbound_message_id, "action": action, "post_id": post_id,
        "detail": detail or {},
    }).inserted_primary_key[0]


@dataclass(frozen=True)
class Line:
    """One row for `record_all`."""

    account_id: int
    action: str
    post_id: int | None = None
    detail: dict[str, Any] | None = None


def record_all(session: Session, lines: Sequence[Line], *, actor: Actor, at: datetime) -> None:
    """Many rows by one actor at one moment in one executemany (a bundle's posts). The ORM
    inserts rows whose ids the database makes one statement each on SQLite, since it cannot
    match the ids RETURNING gives to the rows; nothing here needs the new ids back."""
    if lines:
        session.execute(_APPEND, [
            {"account_id": line.account_id, "at": at, "actor": actor.label, "staff_id": actor.staff_id,
             "inbound_message_id": actor.inbound_message_id, "action": line.action, "post_id": line.post_id,
             "detail": line.detail or {}}
            for line in lines
        ])
