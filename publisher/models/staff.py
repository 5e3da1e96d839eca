from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Role(str, enum.Enum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Staff(Base):
    """A member of staff. `openid` is set once they bind their WeChat identity."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("account_id", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    openid: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    bound_at: Mapped[datetime | None]


class InviteCode(Base):
    """A single-use binding code. Only its keyed hash (HMAC with the secret key) is kept: a
    database leak alone binds nobody and cannot be brute-forced offline."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # A later invite of the same member (or unbind, deactivate) voids every earlier open code.
    cancelled_at: Mapped[datetime | None]


class AdminUser(Base):
    """A login for the admin console (separate from WeChat identities)."""

    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]
