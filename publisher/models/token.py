from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class WeChatToken(Base):
    """The shared access token of one appid, and the lock that lets one caller fetch it."""

    __tablename__ = "wechat_tokens"

    appid: Mapped[str] = mapped_column(String(32), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(String(512))
    expires_at: Mapped[datetime | None]
    lock_owner: Mapped[str | None] = mapped_column(String(64))
    lock_until: Mapped[datetime | None]
    fetch_count: Mapped[int] = mapped_column(default=0)
