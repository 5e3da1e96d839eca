"""Telling staff things in WeChat (results, returns, reviews waiting) as customer-service
messages, sent in the background so that no request waits on the WeChat API."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.models import InboundMessage, Staff
from publisher.tasks import TaskContext, enqueue, task_handler
from publisher.wechat import CustomerWindowClosed

log = logging.getLogger(__name__)

# WeChat delivers a customer-service message only within this long after the member's last
# message to the account (45015 otherwise).
CUSTOMER_WINDOW = timedelta(hours=48)


def reachable_staff(session: Session, account_id: int, staff_ids: Iterable[int], now: datetime) -> set[int]:
    """Those of `staff_ids` a notice can reach now: bound, active, and written to the account
    within the last 48 hours."""
    ids = set(staff_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Staff.id)
            .join(InboundMessage, InboundMessage.from_openid == Staff.openid)
            .where(
                Staff.id.in_(ids),
                Staff.active.is_(True),
                InboundMessage.account_id == account_id,
                InboundMessage.received_at > now - CUSTOMER_WINDOW,
            )
            .distinct()
        )
    )


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
    queued = 0
    for member in members:
        key = f"notify:{dedup_key}:{member.id}" if dedup_key else None
        if enqueue(
            session,
            account_id=account_id,
            kind="send_text",
            payload={"openid": member.openid, "text": text},
            run_after=now,
            dedup_key=key,
        ):
            queued += 1
    return queued


@task_handler("send_text")
def send_text(ctx: TaskContext, payload: dict[str, Any]) -> None:
    try:
        ctx.gateway.send_text(payload["openid"], payload["text"])
    except CustomerWindowClosed:
        # WeChat delivers customer-service messages only within 48 hours of the member's last
        # message; the notice stays visible in 查看 and the console, so it is dropped here.
        log.warning("notice to %s not delivered: the 48-hour window is closed", payload["openid"])
