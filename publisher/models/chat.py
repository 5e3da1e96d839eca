"""State of the chat dialogue and of review, kept in the database so a restart loses none."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class DraftSession(Base):
    """An open draft dialogue: while this row exists, the member's text and pictures go into
    `post_id`. One per member; `完成`, `取消` or idleness removes it."""

    __tablename__ = "draft_sessions"
    __table_args__ = (UniqueConstraint("staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    opened_at: Mapped[datetime]
    last_message_at: Mapped[datetime]
    # The post's body as it was when 修改 opened the dialogue ({"blocks": [...], "images":
    # {id: is_cover}}), so that 取消 throws away only the edits since; None for a new post (投稿).
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Approval(Base):
    """One reviewer's approval of one submission of a post. `submitted_at` ties it to that
    submission: after a return and a new submit, earlier approvals no longer count."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("post_id", "submitted_at", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    submitted_at: Mapped[datetime]
    level: Mapped[int]
    approved_at: Mapped[datetime]
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))


class BindFailure(Base):
    """A `绑定` with a wrong, used or expired code. Kept in the database, not in a process,
    because several processes serve the webhook and each must see every failed guess."""

    __tablename__ = "bind_failures"
    __table_args__ = (Index("ix_bind_failures_account_id_openid_at", "account_id", "openid", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    openid: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
