from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


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
    """A login for the admin console (separate from WeChat identities).

    `account_id` is the one account the login sees; None is a county user, who sees every
    account. `staff_id` is the staff member the login acts as in review (approvals count
    against that member, so levels and the no-self-approval rule hold in the console too).
    """

    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ConsoleLoginFailure(Base):
    """A wrong password (or unknown name) at the console login. In the database, like
    `BindFailure`, so that every web process sees every failed guess."""

    __tablename__ = "console_login_failures"
    __table_args__ = (Index("ix_console_login_failures_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
