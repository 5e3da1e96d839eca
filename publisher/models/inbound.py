from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class InboundMessage(Base):
    """Every message the webhook accepted, raw. The unique dedup key makes WeChat's retries
    (same MsgId, or same sender and CreateTime for events) land on the row already here."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("account_id", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    dedup_key: Mapped[str] = mapped_column(String(160))
    from_openid: Mapped[str] = mapped_column(String(64), index=True)
    msg_type: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The answer given the first time, given again to every retry.
    reply: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None]
