from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PeriodicRun(Base):
    """One periodic job's run for one period (a day, a tick window): the row is the lock.

    Several `govpost worker` processes all schedule the same jobs; the one whose insert
    of (job, period) succeeds runs it, the others see the row and skip that period."""

    __tablename__ = "periodic_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
