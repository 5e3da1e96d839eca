"""Telling staff things in WeChat (results, returns, reviews waiting) as customer-service
messages, sent in the background so that no request waits on the WeChat API."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.background.tasks import TaskContext, enqueue
from publisher.db import insert_ignoring_duplicates
from publisher.models import InboundMessage, Staff, Task
from publisher.wechat import CustomerWindowClosed

log = logging.getLogger(__name__)

# WeChat delivers a customer-service message only within this long after the member's last
# message to the account (45015 otherwise), and only so many in that time (45047).
CUSTOMER_WINDOW = timedelta(hours=48)
MESSAGES_PER_WINDOW = 5


def reachable_staff(session: Session, account_id: int, staff_ids: Iterable[int], now: datetime) -> set[int]:
    """Those of `staff_ids` a notice can reach now: bound, active, sent the account a message
    (not only an event) within the last 48 hours, and sent fewer than five notices since (queued ones count: they will go)."""
    ids = set(staff_ids)
    if not ids:
        return set()
    openids = dict(session.execute(
        select(Staff.openid, Staff.id).where(Staff.id.in_(ids), Staff.active.is_(True), Staff.openid.is_not(None))
    ).all())
    if not openids:
        return set()
    last_heard = dict(session.execute(
        select(InboundMessage.from_openid, func.max(InboundMessage.received_at))
        # Only a message opens the 48-hour window; a click, follow or scan opens one minute
        # (publisher/sandbox/messages.py), too short for a queued notice to count on.
        .where(InboundMessage.account_id == account_id, InboundMessage.from_openid.in_(openids),
               InboundMessage.msg_type != "event")
        .group_by(InboundMessage.from_openid)
    ).all())
    reachable = set()
    for openid, heard in last_heard.items():
        if heard <= now - CUSTOMER_WINDOW:
            continue
        sent_since = session.scalar(select(func.count()).select_from(Task).where(
            Task.account_id == account_id, Task.recipient == openid, Task.kind == "send_text",
            Task.created_at >= heard))
        if sent_since < MESSAGES_PER_WINDOW:
            reachable.add(openids[openid])
    return reachable


def queue_text(session: Session, *, account_id: int, openid: str, text: str, now: datetime,
               dedup_key: str | None = None) -> bool:
    """Queue one customer-service message; False if `dedup_key` was queued before."""
    return enqueue(session, account_id=account_id, kind="send_text", payload={"openid": openid, "text": text},
                   run_after=now, dedup_key=dedup_key, recipient=openid) is not None


def notify_staff(
    session: Session, *, account_id: int, staff_ids: Iterable[int], text: str, now: datetime,
    dedup_key: str | None = None,
) -> int:
    """Queue `text` for each bound, active member of `staff_ids`; returns how many were queued.

    `dedup_key`, when given, makes the notice to each member once-only (e.g. "published:<post>").
    """
    ids = sorted(set(staff_ids))
    members = session.scalars(
        select(Staff).where(Staff.id.in_(ids), Staff.openid.is_not(None), Staff.active.is_(True))
    ).all()
    return sum(
        queue_text(session, account_id=account_id, openid=member.openid, text=text, now=now,
                   dedup_key=f"notify:{dedup_key}:{member.id}" if dedup_key else None)
        for member in members
    )


@dataclass(frozen=True)
class Notice:
    """One text for some members, once-only per member by its `dedup_key`."""

    staff_ids: tuple[int, ...]
    text: str
    dedup_key: str


def notify_each(session: Session, *, account_id: int, notices: Sequence[Notice], now: datetime) -> int:
    """`notify_staff` for many notices at once (a bundle's posts): one query for the members
    and one INSERT … ON CONFLICT DO NOTHING for all the tasks, whatever their number. Returns
    how many were queued."""
    ids = {staff_id for notice in notices for staff_id in notice.staff_ids}
    if not ids:
        return 0
    openids = dict(session.execute(
        select(Staff.id, Staff.openid).where(Staff.id.in_(ids), Staff.openid.is_not(None), Staff.active.is_(True))
    ).all())
    rows = [
        {"account_id": account_id, "kind": "send_text", "payload": {"openid": openids[staff_id], "text": notice.text},
         "recipient": openids[staff_id], "status": "pending", "run_after": now, "attempts": 0,
         "dedup_key": f"notify:{notice.dedup_key}:{staff_id}", "created_at": now}
        for notice in notices for staff_id in sorted(set(notice.staff_ids)) if staff_id in openids
    ]
    if not rows:
        return 0
    # The rows as parameters, not .values(rows): a statement with the rows in it is compiled
    # anew each time. RETURNING counts the new ones on SQLite and PostgreSQL alike.
    table = Task.__table__
    return len(session.execute(insert_ignoring_duplicates(session, table).returning(table.c.id), rows).all())


def send_text(ctx: TaskContext, payload: dict[str, Any]) -> None:
    try:
        ctx.gateway.send_text(payload["openid"], payload["text"])
    except CustomerWindowClosed:
        # WeChat delivers customer-service messages only within 48 hours of the member's last
        # message; the notice stays visible in 查看 and the console, so it is dropped here.
        log.warning("notice to %s not delivered: the 48-hour window is closed", payload["openid"])
