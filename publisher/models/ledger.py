from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

WECHAT_CHANNEL = "微信公众号"


class LedgerEntry(Base):
    """One disclosed item (公开台账). Rows are never deleted: a removed article is flagged."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("account_id", "external_key"),
        # The year's counts (stats.queries.AGGREGATE) read this index alone, grouped in its order.
        Index("ix_ledger_account_day_counts", "account_id", "disclosed_on", "channel", "topic", "topic_guessed",
              "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    channel: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(32))
    topic_guessed: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime]
    # The day in the account's time zone (北京时间): it decides the report year, and having it
    # as a column lets the yearly counts use an index instead of converting every row.
    disclosed_on: Mapped[date]
    url: Mapped[str | None] = mapped_column(String(512))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # publish | manual | import | history
    # Makes imports idempotent: e.g. "wechat:<article_id>:<idx>" or a spreadsheet row's hash.
    external_key: Mapped[str | None] = mapped_column(String(160))
    deleted_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime]
