from __future__ import annotations

from datetime import datetime

from typing import Any

from sqlalchemy import JSON, String, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Account(Base):
    """An official account. Credentials stay in the configuration, never in the database."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    appid: Mapped[str] = mapped_column(String(32), unique=True)
    mode: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # Added with `govpost account add` rather than configured in govpost.toml: the database
    # row is then the account's configuration (publisher/services/account_registry.py), secrets apart.
    managed: Mapped[bool] = mapped_column(default=False, server_default=false())
    slots: Mapped[list[Any] | None] = mapped_column(JSON)
    account_type: Mapped[str | None] = mapped_column(String(16))
    message_mode: Mapped[str | None] = mapped_column(String(16))
    disabled_at: Mapped[datetime | None]
    # A managed account's author line and footer switch (AccountSettings.author, .review_footer);
    # None: the default (the display name; the footer on).
    author: Mapped[str | None] = mapped_column(String(32))
    review_footer: Mapped[bool | None]
