from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class WebhookReplay(Base):
    """One (account, timestamp, nonce, signature) the webhook accepted, until it can no longer
    pass the timestamp check: the same query again with another message is a replay."""

    __tablename__ = "webhook_replays"

    # sha256 of the four, so that a long nonce cannot make the key too long for the column.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(160))
    expires_at: Mapped[datetime] = mapped_column(index=True)
