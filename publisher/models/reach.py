"""What WeChat's data API said about reads and shares (SPEC §7a), kept as it came."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

# The values of ReachFigure.endpoint and ReachPull.endpoint, one per datacube endpoint.
SUMMARY, TOTAL, USER_READ, USER_SHARE = "summary", "total", "userread", "usershare"
ALL_SOURCES = 99999999  # getuserread's user_source for every source together


class ReachFigure(Base):
    """One row of a datacube answer: an article's figures on a day, or the account's.

    `endpoint` says which answer: "summary" (an article's reads that day), "total" (an
    article's cumulative reads up to `day`, counted from `sent_on`), "userread" and
    "usershare" (the account's daily totals, `msgid` empty). `source` is WeChat's
    user_source (getuserread) or share_scene (getusershare). The unique key makes a pull
    run twice store once. `ledger_entry_id` is empty for an article govpost did not publish:
    its figures still count under the account.
    """

    __tablename__ = "reach_figures"
    __table_args__ = (
        UniqueConstraint("account_id", "endpoint", "msgid", "day", "source"),
        Index("ix_reach_account_day", "account_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    endpoint: Mapped[str] = mapped_column(String(16))
    msgid: Mapped[str] = mapped_column(String(64), default="")
    day: Mapped[date]
    source: Mapped[int] = mapped_column(default=0)
    sent_on: Mapped[date | None]
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    reads: Mapped[int] = mapped_column(default=0)
    read_users: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    share_users: Mapped[int] = mapped_column(default=0)
    favourites: Mapped[int] = mapped_column(default=0)
    fetched_at: Mapped[datetime]


class ReachPull(Base):
    """An endpoint's answer for a day, stored in full: the pull does not ask for it again.

    A day with no row here (a failed call, or figures WeChat may still change) is asked for
    again by the next daily pull.
    """

    __tablename__ = "reach_pulls"
    __table_args__ = (UniqueConstraint("account_id", "endpoint", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    endpoint: Mapped[str] = mapped_column(String(16))
    day: Mapped[date]
    rows: Mapped[int] = mapped_column(default=0)
    pulled_at: Mapped[datetime]
