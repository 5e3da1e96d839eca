"""The registers behind report sections 二, 三 and 四 (SPEC §7).

Each row is one thing that happened on a day (a document issued, an application received, a
case filed), so the tables of any year are counted from the rows rather than typed in, and a
late entry for last year shows up in last year's figures. `RegisterOpening` holds the figures
a township brings from before it used govpost (documents in force, applications carried
over), which only a person can know.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Article20Entry(Base):
    """第二十条 items: 规章/行政规范性文件 issued or repealed, decisions, fees (万元)."""

    __tablename__ = "article20_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # regulation normative licensing penalty enforcement fee
    action: Mapped[str] = mapped_column(String(16))  # issued repealed decided charged
    occurred_on: Mapped[date]
    quantity: Mapped[int] = mapped_column(default=1)
    amount_wan: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    title: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DisclosureApplication(Base):
    """One 政府信息公开申请: who applied, when, and how it ended (one of the 22 outcome rows)."""

    __tablename__ = "disclosure_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    applicant_type: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date]
    outcome: Mapped[str | None] = mapped_column(String(24))
    closed_on: Mapped[date | None]
    subject: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AppealCase(Base):
    """One 行政复议 or 行政诉讼 case about disclosure; result stays empty while undecided."""

    __tablename__ = "appeal_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # reconsideration direct_suit suit_after_reconsideration
    filed_on: Mapped[date]
    result: Mapped[str | None] = mapped_column(String(16))  # upheld corrected other
    closed_on: Mapped[date | None]
    subject: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class RegisterOpening(Base):
    """A figure at the start of a year that the registers cannot count themselves.

    keys: "in_force:regulation", "in_force:normative" (documents in force on 1 January),
    "carried_in:<applicant type>" (applications carried over from the year before).
    """

    __tablename__ = "register_openings"
    __table_args__ = (UniqueConstraint("account_id", "year", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    year: Mapped[int]
    key: Mapped[str] = mapped_column(String(32))
    value: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
