"""Periodic jobs run once per period however many workers schedule them.

Every `govpost worker` (and `govpost serve`) schedules the same periodic jobs. Before a job
does its work for a period it inserts the (job, period) row of `periodic_runs` in the same
transaction as that work: the insert succeeds for one worker only, and if that worker dies
before committing, its row goes with the rollback and the next worker runs the period.

The database, not Redis, holds these rows even when Redis is configured: a worker that lost
its Redis connection must still see that another worker ran the period.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.models import PeriodicRun

log = logging.getLogger(__name__)


def claim_period(session: Session, *, job: str, period: str, worker: str, now: datetime) -> bool:
    """True if this worker runs `job` for `period`; the claim commits with the caller's work.

    On PostgreSQL a second claimer's insert waits for the first one's transaction: it then
    fails (the period ran) or succeeds (the first rolled back). SQLite serializes writers."""
    try:
        with session.begin_nested():
            session.add(PeriodicRun(job=job, period=period, worker=worker[:64], started_at=now))
    except IntegrityError:
        log.info("periodic job %s for %s: already run by another worker", job, period)
        return False
    log.info("periodic job %s for %s: run by %s", job, period, worker)
    return True
