from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .base import Base


class Post(Base):
    """An article. Its `status` changes only through `publisher.lifecycle`."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    title: Mapped[str] = mapped_column(String(200))
    # The staff member's name, for notices and the 撰稿 of the footer; never the article's
    # author line, which is `byline` or else the account's `author` (publisher/services/byline.py).
    author_name: Mapped[str] = mapped_column(String(32), default="")
    byline: Mapped[str | None] = mapped_column(String(32))  # set by 改作者
    digest: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    priority: Mapped[int] = mapped_column(default=0)
    # The time the author or reviewer asked for; None means "the next slot with room".
    scheduled_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("publish_bundles.id"), index=True)
    bundle_position: Mapped[int | None]
    article_url: Mapped[str | None] = mapped_column(String(512))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # The 撰稿/审核/审签 names the published article ended with (core.content.ReviewFooter as a
    # dict), None when it went out without one: the quarterly inspection reads it.
    published_footer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Optimistic concurrency: two workers (or a worker and a chat command) cannot both
    # change the same post from the same version.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PostBlock(Base):
    """One paragraph or picture of a post's body, in order."""

    __tablename__ = "post_blocks"
    __table_args__ = (UniqueConstraint("post_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # "text" | "image"
    text: Mapped[str | None] = mapped_column(Text)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("post_images.id"))


class PostImage(Base):
    """A picture sent by staff. The bytes are kept here: WeChat's temporary media lives 3 days."""

    __tablename__ = "post_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    is_cover: Mapped[bool] = mapped_column(default=False)
    source_media_id: Mapped[str | None] = mapped_column(String(128))
    # Deferred: 查看, the checks and the preview only ask whether the bytes are here (`saved`),
    # on every message; whoever sends or shows the picture reads `data` (one more SELECT).
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    content_type: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]
    # Filled by publishing, so that a resumed pipeline reuses what was already uploaded.
    thumb_media_id: Mapped[str | None] = mapped_column(String(128))
    thumb_url: Mapped[str | None] = mapped_column(String(512))
    body_url: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime]
    # Whether the bytes are stored, as the database has it (reloaded after each flush).
    data_stored: Mapped[bool] = column_property(data.column.is_not(None))

    @property
    def saved(self) -> bool:
        """The bytes are here, without loading them unless this session already has."""
        if "data" in self.__dict__:  # set or read in this session: the database may not know yet
            return self.data is not None
        return bool(self.data_stored)
