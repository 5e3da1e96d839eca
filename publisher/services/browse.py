"""Read-side queries the admin console lists from (posts by filter, a post's trail) and the
chat's 查看 reads (`post_view`). They return plain values; `bot/` words them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from publisher.core.checks import Finding
from publisher.lifecycle import Status
from publisher.models import AuditEntry, Post, Staff, Topic
from publisher.services import byline, drafting, review
from publisher.settings import AccountSettings, Settings

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


@dataclass(frozen=True)
class BlockView:
    kind: str  # "text" or "image"
    text: str = ""
    is_cover: bool = False
    pending: bool = False  # a picture whose bytes are not saved yet


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str | None  # None: the system
    action: str
    reason: str | None
    level: tuple[int, int] | None = None  # an approval's level of the levels needed


@dataclass(frozen=True)
class PostView:
    """What 查看 shows of a post."""
    post_id: int
    title: str
    author: str | None
    topic: str | None
    status: str
    scheduled_at: datetime | None
    published_at: datetime | None
    article_url: str | None
    approvers: tuple[str, ...]
    blocks: tuple[BlockView, ...]
    findings: list[Finding]
    history: tuple[HistoryLine, ...]  # the latest `history_lines` entries, oldest first
    byline: str = ""  # the article's author line on WeChat ("" : none, only the account's name)
    footer: str | None = None  # the 三级审查 line the article ends with; None: turned off
    earlier: int = 0  # how many older entries `history` leaves out


_READ_HERE = object()  # post_view's default: it reads the topic or the account itself


def post_view(session: Session, post: Post, *, settings: Settings, history_lines: int,
              topic: Topic | drafting.ShownTopic | None = _READ_HERE,
              account: AccountSettings | None = _READ_HERE) -> PostView:
    """`topic` and `account`, when the caller has them already (查看 reads the topic with the
    post, and knows the message's account), save a query each."""
    if topic is _READ_HERE:
        topic = session.get(Topic, post.topic_id) if post.topic_id else None
    if account is _READ_HERE:
        account = byline.account_settings(session, post, settings)
    footer = byline.footer(session, post, settings, account)
    image_rows, block_rows = drafting.image_rows(session, post.id), drafting.block_rows(session, post.id)
    images = {i.id: i for i in image_rows}
    blocks = []
    for block in block_rows:
        if block.kind == "text":
            blocks.append(BlockView("text", text=block.text or ""))
        else:
            image = images.get(block.image_id)
            state = drafting.image_state(image) if image else None
            blocks.append(BlockView("image", is_cover=bool(image and image.is_cover),
                                    pending=bool(state and not state.saved)))
    rows = session.execute(_HISTORY, {"post_id": post.id, "lines": history_lines}).all()
    total = rows[0].total if rows else 0
    names = {entry.staff_id: entry.name for entry in rows if entry.staff_id}
    approvals = review.approvals_of(session, post)
    # Reviewers not named in the shown lines: one query for all of them.
    names |= _names(session, {a.reviewer_id for a in approvals} - names.keys())
    history = tuple(
        HistoryLine(entry.at, names[entry.staff_id] if entry.staff_id else None, entry.action,
                    entry.detail.get("reason") if isinstance(entry.detail, dict) and entry.detail.get("reason") else None,
                    _level(entry))
        for entry in reversed(rows)
    )
    return PostView(
        post_id=post.id, title=post.title, author=post.author_name, topic=topic.name if topic else None,
        status=post.status, scheduled_at=post.scheduled_at, published_at=post.published_at,
        article_url=post.article_url,
        approvers=tuple(names[a.reviewer_id] for a in approvals),
        blocks=tuple(blocks), history=history,
        findings=drafting.check_post(session, post, settings, blocks=block_rows, images=image_rows,
                                     account=account, footer=footer, topic=topic),
        byline=byline.article_author(post, account),
        footer=footer.text() if footer is not None else None,
        earlier=total - len(history),
    )


# A post's last lines of history, as plain rows (shown, never changed). The last approval's
# status change (post.approve) is the same act as that reviewer's review.approve entry: shown
# once, as the approval. The count of all of them comes with the rows (a window over the whole
# selection); each line's member name with it (an outer join: the system's lines have none).
_AUDIT, _STAFF = AuditEntry.__table__, Staff.__table__
_HISTORY = (select(_AUDIT.c.at, _AUDIT.c.staff_id, _AUDIT.c.action, _AUDIT.c.detail, _STAFF.c.name,
                   func.count().over().label("total"))
            .select_from(_AUDIT.outerjoin(_STAFF, _STAFF.c.id == _AUDIT.c.staff_id))
            .where(_AUDIT.c.post_id == bindparam("post_id"), _AUDIT.c.action != "post.approve")
            .order_by(_AUDIT.c.id.desc()).limit(bindparam("lines")))


def _level(entry) -> tuple[int, int] | None:
    """An approval's (level, levels)."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if entry.action == "review.approve" and "level" in detail and "levels" in detail:
        return detail["level"], detail["levels"]
    return None


def _names(session: Session, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids))).all())


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
