"""Read-side queries the admin console lists from: posts by filter, a post's trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.lifecycle import Status
from publisher.models import AuditEntry, Post, Staff, Topic

PAGE_SIZE = 20


@dataclass(frozen=True)
class PostFilter:
    status: str | None = None
    topic_id: int | None = None
    author_id: int | None = None
    since: date | None = None  # 北京时间 days, inclusive, on the post's creation
    until: date | None = None


@dataclass(frozen=True)
class PostPage:
    posts: list[Post]
    total: int
    page: int
    pages: int


def list_posts(session: Session, account_id: int, wanted: PostFilter, *, page: int, timezone: ZoneInfo) -> PostPage:
    query = select(Post).where(Post.account_id == account_id, Post.status != Status.DISCARDED.value)
    if wanted.status:
        query = query.where(Post.status == wanted.status)
    if wanted.topic_id:
        query = query.where(Post.topic_id == wanted.topic_id)
    if wanted.author_id:
        query = query.where(Post.author_id == wanted.author_id)
    if wanted.since:
        query = query.where(Post.created_at >= datetime.combine(wanted.since, time(), tzinfo=timezone))
    if wanted.until:
        query = query.where(Post.created_at < datetime.combine(wanted.until + timedelta(days=1), time(), tzinfo=timezone))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    posts = session.scalars(query.order_by(Post.created_at.desc(), Post.id.desc())
                            .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return PostPage(list(posts), total, page, pages)


def trail(session: Session, post: Post) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.post_id == post.id)
                                .order_by(AuditEntry.at, AuditEntry.id)))


def staff_names(session: Session, account_id: int) -> dict[int, str]:
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.account_id == account_id)).all())


def topic_names(session: Session, account_id: int) -> dict[int, str]:
    return dict(session.execute(select(Topic.id, Topic.name).where(Topic.account_id == account_id)
                                .order_by(Topic.position)).all())


@dataclass(frozen=True)
class LedgerFilter:
    year: int | None = None
    channel: str | None = None
    topic: str | None = None
    guessed: bool = False


@dataclass(frozen=True)
class LedgerPage:
    entries: list
    total: int
    page: int
    pages: int


def list_ledger(session: Session, account_id: int, wanted: LedgerFilter, *, page: int) -> LedgerPage:
    from publisher.models import LedgerEntry

    query = select(LedgerEntry).where(LedgerEntry.account_id == account_id)
    if wanted.year:
        query = query.where(LedgerEntry.disclosed_on >= date(wanted.year, 1, 1),
                            LedgerEntry.disclosed_on < date(wanted.year + 1, 1, 1))
    if wanted.channel:
        query = query.where(LedgerEntry.channel == wanted.channel)
    if wanted.topic:
        query = query.where(LedgerEntry.topic == wanted.topic)
    if wanted.guessed:
        query = query.where(LedgerEntry.topic_guessed.is_(True), LedgerEntry.deleted_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = session.scalars(query.order_by(LedgerEntry.disclosed_on.desc(), LedgerEntry.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return LedgerPage(list(entries), total, page, pages)
