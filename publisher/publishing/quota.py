"""The per-period record of what the platform allows (mass sends, 45009 days)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from publisher.core.planning import MASS_ALLOWANCE, quota_period
from publisher.models import PublishQuota


def _row(session: Session, account_id: int, period: str, now: datetime) -> PublishQuota:
    row = session.scalar(
        select(PublishQuota).where(PublishQuota.account_id == account_id, PublishQuota.period == period)
    )
    if row is None:
        row = PublishQuota(account_id=account_id, period=period, mass_sends=0, blocked=False, updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


# What every plan (队列, each scheduler tick) reads: built once, and plain rows (through the
# session, so that pending changes are flushed first).
_QUOTAS = PublishQuota.__table__
_USAGE = (select(_QUOTAS.c.period, _QUOTAS.c.mass_sends, _QUOTAS.c.blocked)
          .where(_QUOTAS.c.account_id == bindparam("account_id")))


def usage(session: Session, account_id: int) -> tuple[dict[str, int], frozenset[date]]:
    """(mass sends by period, blocked 北京时间 days) for the planner."""
    rows = session.execute(_USAGE, {"account_id": account_id}).all()
    sends = {r.period: r.mass_sends for r in rows if r.mass_sends}
    blocked = frozenset(date.fromisoformat(r.period) for r in rows if r.blocked and len(r.period) == 10)
    return sends, blocked


def record_mass_send(session: Session, account_id: int, account_type: str, sent_at: datetime, tz: ZoneInfo) -> None:
    _row(session, account_id, quota_period(sent_at, tz, account_type), sent_at).mass_sends += 1


def exhaust_mass_period(session: Session, account_id: int, account_type: str, now: datetime, tz: ZoneInfo) -> None:
    """The platform said 45028: whatever our count says, this period is used up."""
    row = _row(session, account_id, quota_period(now, tz, account_type), now)
    row.mass_sends = max(row.mass_sends, MASS_ALLOWANCE[account_type][1])


def block_day(session: Session, account_id: int, now: datetime, tz: ZoneInfo) -> None:
    """The platform said 45009: no more publishing calls today."""
    _row(session, account_id, now.astimezone(tz).date().isoformat(), now).blocked = True
