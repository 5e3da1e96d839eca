"""One process at a time works on a bundle: a conditional UPDATE takes it with a lease.

The UPDATE succeeds for exactly one of several concurrent claimers (SQLite runs it under
BEGIN IMMEDIATE; PostgreSQL re-checks the WHERE after the row lock). On PostgreSQL the row
is first locked with `SELECT ... FOR UPDATE SKIP LOCKED`, so a worker that meets a bundle
another worker is claiming moves on at once instead of waiting for that transaction. A process that dies
holding a bundle only delays it until the lease runs out; the next claimer resumes from
what is recorded.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from publisher.models import PublishBundle

from .states import ACTIVE_VALUES

LEASE = timedelta(minutes=5)


def _claimable(now: datetime):
    return (
        PublishBundle.status.in_(ACTIVE_VALUES)
        & or_(PublishBundle.claim_expires_at.is_(None), PublishBundle.claim_expires_at < now)
        & or_(PublishBundle.next_attempt_at.is_(None), PublishBundle.next_attempt_at <= now)
    )


def claimable_ids(session_factory: sessionmaker[Session], now: datetime, limit: int = 20) -> list[int]:
    with session_factory.begin() as session:
        return list(
            session.scalars(
                select(PublishBundle.id).where(_claimable(now)).order_by(PublishBundle.slot_at, PublishBundle.id)
                .limit(limit)
            )
        )


def claim(session_factory: sessionmaker[Session], bundle_id: int, worker: str, now: datetime) -> bool:
    with session_factory.begin() as session:
        if skips_locked_rows(session):
            locked = session.scalar(
                select(PublishBundle.id).where(PublishBundle.id == bundle_id, _claimable(now))
                .with_for_update(skip_locked=True)
            )
            if locked is None:
                return False
        result = session.execute(
            update(PublishBundle)
            .where(PublishBundle.id == bundle_id, _claimable(now))
            .values(claimed_by=worker, claim_expires_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount == 1


def skips_locked_rows(session: Session) -> bool:
    """PostgreSQL can skip rows another transaction holds; SQLite locks the whole file."""
    return session.get_bind().dialect.name == "postgresql"


def release(session_factory: sessionmaker[Session], bundle_id: int, worker: str) -> None:
    with session_factory.begin() as session:
        session.execute(
            update(PublishBundle)
            .where(PublishBundle.id == bundle_id, PublishBundle.claimed_by == worker)
            .values(claimed_by=None, claim_expires_at=None)
            .execution_options(synchronize_session=False)
        )


def is_held(bundle: PublishBundle, now: datetime) -> bool:
    return bundle.claim_expires_at is not None and bundle.claim_expires_at >= now
