"""One process at a time works on a bundle: a conditional UPDATE takes it with a lease.

A worker asks for "the next claimable bundle" (`claim_next`), choosing and leasing it in one
transaction, rather than reading a list of claimable ids and trying each: with a list, every
worker read the same ids and walked them in the same order, so each claim attempt was a race
against the other workers for the same row, and a worker that lost the races ran out of list
and waited for its next tick while work was left (issue 13: three workers were no faster
than one).

The UPDATE succeeds for exactly one of several concurrent claimers (SQLite runs it under
BEGIN IMMEDIATE; PostgreSQL re-checks the WHERE after the row lock). On PostgreSQL the row
is first locked with `SELECT ... FOR UPDATE SKIP LOCKED`, so a worker that meets a bundle
another worker is claiming moves on at once instead of waiting for that transaction. A process that dies
holding a bundle only delays it until the lease runs out; the next claimer resumes from
what is recorded.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from publisher.models import Account, PublishBundle

from .states import ACTIVE_VALUES

LEASE = timedelta(minutes=5)


def _claimable(now):
    return (
        PublishBundle.status.in_(ACTIVE_VALUES)
        & or_(PublishBundle.claim_expires_at.is_(None), PublishBundle.claim_expires_at < now)
        & or_(PublishBundle.next_attempt_at.is_(None), PublishBundle.next_attempt_at <= now)
    )


def _claim_next_statement(*, skip_locked: bool, passing: bool):
    """`claim_next`'s UPDATE, built once per shape: building it (the claimable condition twice,
    the subquery) cost more Python than executing it. Parameters: worker, now, until, passed."""
    now = bindparam("now")
    chosen = select(PublishBundle.id).where(_claimable(now))
    if passing:
        chosen = chosen.where(PublishBundle.id.not_in(bindparam("passed", expanding=True)))
    chosen = chosen.order_by(PublishBundle.slot_at, PublishBundle.id).limit(1)
    if skip_locked:
        chosen = chosen.with_for_update(skip_locked=True)
    # Chosen and leased in one statement. SQLite: BEGIN IMMEDIATE lets one claimer in at a
    # time, so the row chosen is still claimable when it is updated. PostgreSQL: the
    # subquery locks the row it chooses (skipping rows others hold), and the UPDATE
    # re-checks `_claimable` on it. No row: nothing left that this worker could take now.
    return (
        update(PublishBundle)
        .where(PublishBundle.id == chosen.scalar_subquery(), _claimable(now))
        .values(claimed_by=bindparam("worker"), claim_expires_at=bindparam("until"))
        .returning(PublishBundle.id)
        .execution_options(synchronize_session=False)
    )


_CLAIM_NEXT = {(skip_locked, passing): _claim_next_statement(skip_locked=skip_locked, passing=passing)
               for skip_locked in (False, True) for passing in (False, True)}


def claim_next(session_factory: sessionmaker[Session], worker: str, now: datetime, *,
               passed: Collection[int] = (), then: Callable[[Session, int], Any] | None = None):
    """Lease the earliest claimable bundle not in `passed` to `worker`; its id, or None when
    no bundle is left to take. With `then`, `then(session, bundle_id)` runs in the claim's
    own transaction (what the worker reads first needs no commit of its own) and the answer
    is `(bundle_id, what then returned)`.

    On PostgreSQL the row is chosen with FOR UPDATE SKIP LOCKED: concurrent workers each get a
    different bundle at once. SQLite's BEGIN IMMEDIATE lets one claimer in at a time.
    """
    with session_factory.begin() as session:
        params = {"worker": worker, "now": now, "until": now + LEASE}
        if passed:
            params["passed"] = list(passed)
        bundle_id = session.scalar(_CLAIM_NEXT[skips_locked_rows(session), bool(passed)], params)
        if bundle_id is None:
            return None
        return bundle_id if then is None else (bundle_id, then(session, bundle_id))


def lock_account_for_bundling(session: Session, account_id: int) -> bool:
    """On PostgreSQL, hold the account's row for this transaction, or False at once if another
    worker is bundling this account now (it will make the same bundles; going on would only
    end in a conflict at commit). NO KEY UPDATE: rows that refer to the account (posts, ledger)
    can still be written meanwhile. SQLite serialises writers anyway: always True."""
    if not skips_locked_rows(session):
        return True
    return session.scalar(
        select(Account.id).where(Account.id == account_id).with_for_update(skip_locked=True, key_share=True)
    ) is not None


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
