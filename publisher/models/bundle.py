from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PublishBundle(Base):
    """The posts that go out together in one slot, as one multi-article message.

    Every WeChat id is written the moment it is known, so a resumed pipeline can tell what
    has already happened instead of repeating it.
    """

    __tablename__ = "publish_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    slot_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    draft_media_id: Mapped[str | None] = mapped_column(String(128))
    # Set before each draft/add and cleared when its media_id is recorded: still set at the
    # next attempt, the answer was lost (or the worker died), and the draft it may have made
    # is looked for in the draft box and deleted rather than left behind.
    draft_requested_at: Mapped[datetime | None]
    publish_id: Mapped[str | None] = mapped_column(String(64), index=True)
    client_msg_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    msg_id: Mapped[str | None] = mapped_column(String(64), index=True)
    msg_data_id: Mapped[str | None] = mapped_column(String(64))
    article_id: Mapped[str | None] = mapped_column(String(128))
    # When the submit or send now in question was made: its reconcile wait counts from here.
    submitting_since: Mapped[datetime | None]
    last_errcode: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
