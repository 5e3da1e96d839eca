"""Tables of the publishing pipeline beyond the bundle itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PublishQuota(Base):
    """What the platform allows an account in one period (a 北京时间 day "2024-01-01" or a
    month "2024-01"): mass sends made, and whether the platform has closed the period (45009).

    WeChat offers no API listing past mass sends, so this record is the only way the planner
    knows a day is used up before the platform says 45028.
    """

    __tablename__ = "publish_quotas"
    __table_args__ = (UniqueConstraint("account_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[str] = mapped_column(String(10))
    mass_sends: Mapped[int] = mapped_column(default=0)
    blocked: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class SchedulerHeartbeat(Base):
    """The last pass of each scheduler process, for /healthz."""

    __tablename__ = "scheduler_heartbeats"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime]
    bundles_advanced: Mapped[int] = mapped_column(default=0)
