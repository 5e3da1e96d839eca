"""Writing a post by chat: the open-draft dialogue (`投稿` … paragraphs and pictures … `完成`),
kept as a `DraftSession` row so that it survives a restart, and the edits around it.

Every function takes the session, the acting `Actor` and a clock; none sends anything to
WeChat: pictures are fetched by the `fetch_image` task (publisher/background/chat_tasks.py).
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from publisher.core import content
from publisher.services.audit import Actor, record
from publisher.services import byline
from publisher.core.checks import Draft, Finding, ImageState, WordLists, run_checks
from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.lifecycle import EDITABLE, Event, Status, status_name, transition
from publisher.models import AuditEntry, Post, PostBlock, PostImage, Staff, Topic
from publisher.models.chat import DraftSession
from publisher.settings import Settings
from publisher.background.tasks import enqueue
from publisher.texts import chat as texts


DEFAULT_COVER_PREFIX = "default:"


class ChatError(Refusal):
    """A refusal whose message is for the staff member who asked."""


@dataclass(frozen=True)
class Closed:
    post: Post
    paragraphs: int
    images: int
    findings: list[Finding]


# Finding posts


def get_post(session: Session, account_id: int, post_id: int) -> Post:
    return _shown(session.get(Post, post_id), account_id, post_id)


# 查看's reads, built once (building and keying a statement on every message cost about as
# much as running it), as plain rows: 查看 only shows them.
_POST_TABLE, _TOPIC_TABLE = Post.__table__, Topic.__table__
_POST_AND_TOPIC = (select(_POST_TABLE, _TOPIC_TABLE.c.name.label("topic_name"))
                   .select_from(_POST_TABLE.outerjoin(_TOPIC_TABLE, _TOPIC_TABLE.c.id == _POST_TABLE.c.topic_id))
                   .where(_POST_TABLE.c.id == bindparam("post_id")))
_BLOCKS = select(PostBlock).where(PostBlock.post_id == bindparam("post_id")).order_by(PostBlock.position)
_IMAGES = select(PostImage).where(PostImage.post_id == bindparam("post_id")).order_by(PostImage.id)
# The same as plain rows, for what only shows them (查看): the pictures without their bytes, with
# whether they are stored as `saved`, as PostImage.saved reads.
_BLOCK_TABLE, _IMAGE_TABLE = PostBlock.__table__, PostImage.__table__
_BLOCK_ROWS = (select(_BLOCK_TABLE).where(_BLOCK_TABLE.c.post_id == bindparam("post_id"))
               .order_by(_BLOCK_TABLE.c.position))
_IMAGE_ROWS = (select(*(c for c in _IMAGE_TABLE.c if c.name != "data"), _IMAGE_TABLE.c.data.is_not(None).label("saved"))
               .where(_IMAGE_TABLE.c.post_id == bindparam("post_id")).order_by(_IMAGE_TABLE.c.id))


@dataclass(frozen=True)
class ShownTopic:
    """A post's topic as 查看 shows it."""
    id: int
    name: str


def get_post_and_topic(session: Session, account_id: int, post_id: int) -> tuple[Post, ShownTopic | None]:
    """`get_post` with the post's topic read in the same query, for 查看, which only shows them:
    the post is a plain row with the post's column names, not an object to change."""
    row = _shown(session.execute(_POST_AND_TOPIC, {"post_id": post_id}).first(), account_id, post_id)
    return row, ShownTopic(row.topic_id, row.topic_name) if row.topic_id is not None else None


def _shown(post: Post | None, account_id: int, post_id: int) -> Post:
    """The post, if it is one of this account's and not discarded; else the chat's refusal."""
    if post is None or post.account_id != account_id or post.status == Status.DISCARDED.value:
        raise ChatError(texts.NO_SUCH_POST.format(post_id=post_id))
    return post


def open_draft_of(session: Session, staff_id: int) -> DraftSession | None:
    return session.scalar(select(DraftSession).where(DraftSession.staff_id == staff_id))


def my_drafts(session: Session, staff: Staff) -> list[Post]:
    editable = [s.value for s in EDITABLE]
    return list(
        session.scalars(
            select(Post).where(Post.author_id == staff.id, Post.status.in_(editable)).order_by(Post.id)
        )
    )


def latest_editable(session: Session, staff: Staff) -> Post | None:
    """The member's most recently touched post that can still be edited: where words sent with
    no draft open most likely belong (a draft closed for idleness, a returned post)."""
    editable = [s.value for s in EDITABLE]
    return session.scalar(
        select(Post).where(Post.author_id == staff.id, Post.status.in_(editable))
        .order_by(Post.updated_at.desc(), Post.id.desc()).limit(1)
    )


def blocks_of(session: Session, post_id: int) -> list[PostBlock]:
    return list(session.scalars(_BLOCKS, {"post_id": post_id}))


def images_of(session: Session, post_id: int) -> list[PostImage]:
    return list(session.scalars(_IMAGES, {"post_id": post_id}))


def block_rows(session: Session, post_id: int) -> list:
    """`blocks_of` as plain rows (the same names), for what only reads them: an ORM object's
    identity and state cost more than the query, on every 查看."""
    return session.execute(_BLOCK_ROWS, {"post_id": post_id}).all()


def image_rows(session: Session, post_id: int) -> list:
    """`images_of` as plain rows, for what only reads them; `saved` says whether the bytes are
    stored (as the database has it: the session's pending changes are flushed first)."""
    return session.execute(_IMAGE_ROWS, {"post_id": post_id}).all()


def topic_by_name(session: Session, account_id: int, name: str) -> Topic:
    topic = session.scalar(
        select(Topic).where(Topic.account_id == account_id, Topic.name == name.strip().lstrip("#＃"), Topic.active.is_(True))
    )
    if topic is None:
        raise ChatError(texts.TOPIC_UNKNOWN.format(topic=name, topics="、".join(t.name for t in topics(session, account_id))))
    return topic


def topics(session: Session, account_id: int) -> list[Topic]:
    return list(
        session.scalars(select(Topic).where(Topic.account_id == account_id, Topic.active.is_(True)).order_by(Topic.position))
    )


# The dialogue


def open_draft(
    session: Session, *, staff: Staff, title: str, topic_name: str | None, actor: Actor, clock: Clock
) -> Post:
    title = title.strip()
    if not title:
        raise ChatError(texts.DRAFT_TITLE_NEEDED)
    # WeChat's title limit, told at once rather than at submit; the checks own the rule.
    too_long = [f for f in run_checks(Draft(post_id=0, title=title), WordLists()) if f.code == "title_too_long"]
    if too_long:
        raise ChatError(too_long[0].message)
    current = open_draft_of(session, staff.id)
    if current is not None:
        post = session.get(Post, current.post_id)
        raise ChatError(texts.DRAFT_ALREADY_OPEN.format(post_id=post.id, title=post.title))
    topic = topic_by_name(session, staff.account_id, topic_name) if topic_name else None
    now = clock.now()
    post = Post(
        account_id=staff.account_id,
        author_id=staff.id,
        topic_id=topic.id if topic else None,
        title=title,
        author_name=staff.name[:16],
        status=Status.DRAFT.value,
        created_at=now,
        updated_at=now,
    )
    session.add(post)
    session.flush()
    _start_session(session, staff, post, now)
    record(session, account_id=post.account_id, actor=actor, action="draft.open", post_id=post.id, at=now,
           detail={"title": title, "topic": topic.name if topic else None})
    return post


def reopen(session: Session, *, staff: Staff, post: Post, actor: Actor, clock: Clock) -> Post:
    """Make an editable post the member's open draft again (after 完成, a return, idleness)."""
    _require_editable(post)
    _require_author(staff, post, texts.REOPEN_ACTION)
    current = open_draft_of(session, staff.id)
    if current is not None and current.post_id != post.id:
        other = session.get(Post, current.post_id)
        raise ChatError(texts.DRAFT_ALREADY_OPEN.format(post_id=other.id, title=other.title))
    now = clock.now()
    if current is None:
        _start_session(session, staff, post, now, snapshot=_snapshot(session, post))
    record(session, account_id=post.account_id, actor=actor, action="draft.reopen", post_id=post.id, at=now)
    return post


def require_open(session: Session, staff: Staff) -> tuple[DraftSession, Post]:
    current = open_draft_of(session, staff.id)
    if current is None:
        raise ChatError(texts.NO_OPEN_DRAFT)
    return current, session.get(Post, current.post_id)


def add_paragraph(session: Session, *, staff: Staff, text: str, actor: Actor, clock: Clock) -> tuple[Post, int]:
    """Add a text paragraph; returns the post and the paragraph's number, counted over every
    block, pictures included, as 改段, 删段 and 查看 count."""
    current, post = require_open(session, staff)
    now = clock.now()
    _append_block(session, post, PostBlock(kind="text", text=text.strip()))
    _touch(current, post, now)
    number = _block_count(session, post.id)
    record(session, account_id=post.account_id, actor=actor, action="draft.paragraph", post_id=post.id, at=now,
           detail={"number": number})
    return post, number


def add_image(session: Session, *, staff: Staff, media_id: str, actor: Actor, clock: Clock) -> tuple[Post, int, bool]:
    """Add a picture (the first one sent is the cover) and queue fetching its bytes, because
    WeChat's temporary media expires after three days. Returns the post, the picture's
    paragraph number (pictures and text counted together) and whether it is the cover."""
    current, post = require_open(session, staff)
    now = clock.now()
    images = images_of(session, post.id)
    for default in [i for i in images if _is_default_cover(i)]:
        session.delete(default)
    is_cover = not any(i.is_cover and not _is_default_cover(i) for i in images)
    image = PostImage(post_id=post.id, is_cover=is_cover, source_media_id=media_id, created_at=now)
    session.add(image)
    session.flush()
    _append_block(session, post, PostBlock(kind="image", image_id=image.id))
    _touch(current, post, now)
    enqueue(session, account_id=post.account_id, kind="fetch_image", payload={"image_id": image.id}, run_after=now,
            dedup_key=f"fetch_image:{image.id}")
    record(session, account_id=post.account_id, actor=actor, action="draft.image", post_id=post.id, at=now,
           detail={"image_id": image.id, "cover": is_cover})
    return post, _block_count(session, post.id), is_cover


def replace_block(session: Session, *, staff: Staff, number: int, text: str, actor: Actor, clock: Clock) -> Post:
    current, post = require_open(session, staff)
    block = _block_number(session, post, number)
    if block.kind != "text":
        raise ChatError(texts.BLOCK_NOT_TEXT.format(number=number))
    block.text = text.strip()
    now = clock.now()
    _touch(current, post, now)
    record(session, account_id=post.account_id, actor=actor, action="draft.replace_block", post_id=post.id, at=now,
           detail={"number": number})
    return post


def delete_block(session: Session, *, staff: Staff, number: int, actor: Actor, clock: Clock) -> tuple[Post, str]:
    """Delete the numbered block; returns the post and the kind of block deleted."""
    current, post = require_open(session, staff)
    block = _block_number(session, post, number)
    kind = block.kind
    image = session.get(PostImage, block.image_id) if block.image_id else None
    session.delete(block)
    session.flush()
    if image is not None:
        was_cover = image.is_cover
        if _kept_by_snapshot(current, image):
            # 取消 may yet bring it back: the picture is dropped when the edit is saved.
            image.is_cover = False
        else:
            session.delete(image)
        session.flush()
        if was_cover:
            remaining = [i for i in _block_images(session, post.id) if not _is_default_cover(i)]
            if remaining:
                remaining[0].is_cover = True
    now = clock.now()
    _touch(current, post, now)
    record(session, account_id=post.account_id, actor=actor, action="draft.delete_block", post_id=post.id, at=now,
           detail={"number": number})
    return post, kind


def finish(session: Session, *, staff: Staff, actor: Actor, clock: Clock, settings: Settings) -> Closed:
    current, post = require_open(session, staff)
    return _close(session, current, post, actor=actor, now=clock.now(), settings=settings, action="draft.close")


@dataclass(frozen=True)
class Cancelled:
    post: Post
    reverted: bool  # True: only the edits since 修改 were thrown away; the post is kept


def cancel(session: Session, *, staff: Staff, actor: Actor, clock: Clock) -> Cancelled:
    """取消: after 修改, throw away the edits since 修改 and keep the post as it was; a new
    post (投稿) is discarded, unless it has been through review, which needs 确认取消."""
    current, post = require_open(session, staff)
    if current.snapshot is not None:
        _restore(session, post, current.snapshot)
        session.delete(current)
        now = clock.now()
        post.updated_at = now
        record(session, account_id=post.account_id, actor=actor, action="draft.revert", post_id=post.id, at=now)
        return Cancelled(post, reverted=True)
    if has_review_history(session, post):
        raise ChatError(texts.DISCARD_NEEDS_CONFIRM.format(post_id=post.id, title=post.title))
    session.delete(current)
    transition(session, post, Event.DISCARD, actor=actor, clock=clock)
    return Cancelled(post, reverted=False)


def discard(session: Session, *, staff: Staff, post: Post, actor: Actor, clock: Clock) -> Post:
    """确认取消 N: throw the whole post away, review history and all (the audit log keeps it)."""
    _require_editable(post)
    _require_author(staff, post, texts.DISCARD_ACTION)
    close_session_of(session, post)
    transition(session, post, Event.DISCARD, actor=actor, clock=clock)
    return post


def has_review_history(session: Session, post: Post) -> bool:
    """Whether the post was ever sent for review or queued."""
    return session.scalar(
        select(func.count()).where(AuditEntry.post_id == post.id, AuditEntry.action.in_(("post.submit", "post.queue")))
    ) > 0


def close_if_idle(
    session: Session, *, current: DraftSession | None, idle: timedelta, actor: Actor, clock: Clock, settings: Settings
) -> Closed | None:
    """Save and close the member's open draft (`current`, as `open_draft_of` or the caller's own
    query found it) if nothing came for `idle`; None otherwise."""
    now = clock.now()
    if current is None or not is_idle(current.last_message_at, idle=idle, now=now):
        return None
    post = session.get(Post, current.post_id)
    return _close(session, current, post, actor=actor, now=now, settings=settings, action="draft.idle_close")


def is_idle(last_message_at: datetime | None, *, idle: timedelta, now: datetime) -> bool:
    """Whether an open draft last written to at `last_message_at` (None: no open draft) has had
    nothing for `idle`: the next message closes it."""
    return last_message_at is not None and last_message_at + idle <= now


def close_session_of(session: Session, post: Post) -> None:
    """Submitting a post that is still open in the dialogue ends the dialogue (its edits kept)."""
    current = session.scalar(select(DraftSession).where(DraftSession.post_id == post.id))
    if current is not None:
        session.delete(current)
        _drop_detached_images(session, post)


def set_topic(session: Session, *, staff: Staff, post: Post, topic_name: str, actor: Actor, clock: Clock,
              settings: Settings) -> Topic:
    if post.status not in {Status.DRAFT.value, Status.RETURNED.value, Status.SUBMITTED.value, Status.APPROVED.value}:
        raise ChatError(texts.TOPIC_LOCKED.format(post_id=post.id, status=status_name(post.status)))
    if staff.role == "editor":
        _require_author(staff, post, texts.SET_TOPIC_ACTION)
    topic = topic_by_name(session, post.account_id, topic_name)
    now = clock.now()
    old = post.topic_id
    post.topic_id = topic.id
    post.updated_at = now
    if any(_is_default_cover(i) for i in images_of(session, post.id)):
        ensure_cover(session, post, settings, now)
    record(session, account_id=post.account_id, actor=actor, action="post.topic", post_id=post.id, at=now,
           detail={"from": old, "to": topic.id, "topic": topic.name})
    return topic


# Cover and checks


def ensure_cover(session: Session, post: Post, settings: Settings, now: datetime) -> PostImage | None:
    """A post needs a cover: the author's first picture, else the topic's default from
    config/covers/ (kept as an image of the post, so preview and publishing need no config)."""
    images = images_of(session, post.id)
    if any(i.is_cover and not _is_default_cover(i) for i in images):
        return next(i for i in images if i.is_cover)
    topic = session.get(Topic, post.topic_id) if post.topic_id else None
    path = default_cover_path(settings.covers, topic.name if topic else None)
    for old in [i for i in images if _is_default_cover(i)]:
        session.delete(old)
    if path is None:
        return None
    data = path.read_bytes()
    cover = PostImage(
        post_id=post.id,
        is_cover=True,
        source_media_id=DEFAULT_COVER_PREFIX + path.stem,
        data=data,
        content_type="image/jpeg",
        sha256=hashlib.sha256(data).hexdigest(),
        fetched_at=now,
        created_at=now,
    )
    session.add(cover)
    session.flush()
    return cover


def default_cover_path(covers: Mapping[str, Path], topic_name: str | None) -> Path | None:
    """The topic's cover of config/covers/, else default.jpg (`settings.covers`)."""
    for name in ([topic_name] if topic_name else []) + ["default"]:
        if name in covers:
            return covers[name]
    return None


_READ_HERE = object()  # check_post's default: it reads the account and the footer itself


def check_post(session: Session, post: Post, settings: Settings, *, blocks: list[PostBlock] | None = None,
               images: list[PostImage] | None = None, account=_READ_HERE, footer=_READ_HERE,
               topic=_READ_HERE) -> list[Finding]:
    """The checks of a post as it is; a caller that has read its blocks and images, its account's
    settings (byline.account_settings), its footer (byline.footer) or its topic passes them."""
    blocks = blocks_of(session, post.id) if blocks is None else blocks
    images = {i.id: i for i in (images_of(session, post.id) if images is None else images)}
    cover = next((i for i in images.values() if i.is_cover), None)
    if topic is _READ_HERE:
        topic = session.get(Topic, post.topic_id) if post.topic_id else None
    if account is _READ_HERE:
        account = byline.account_settings(session, post, settings)
    if footer is _READ_HERE:
        footer = byline.footer(session, post, settings, account)
    html = content.render_article(
        [content.Block(b.kind, b.text, b.image_id) for b in blocks],
        lambda image_id: images[image_id].body_url or "https://mmbiz.qpic.cn/placeholder/" + "0" * 64,
        footer,
    )
    numbered = list(enumerate(blocks, start=1))
    texts_numbered = [(n, b) for n, b in numbered if b.kind == "text"]
    images_numbered = [(n, b) for n, b in numbered if b.kind == "image" and b.image_id in images]
    draft = Draft(
        post_id=post.id,
        title=post.title,
        author=byline.article_author(post, account),
        digest=post.digest or "",
        paragraphs=tuple(b.text or "" for _, b in texts_numbered),
        paragraph_numbers=tuple(n for n, _ in texts_numbered),
        images=tuple(image_state(images[b.image_id]) for _, b in images_numbered),
        image_numbers=tuple(n for n, _ in images_numbered),
        has_cover=cover is not None,
        default_cover_topic=(topic.name if topic else texts.NO_TOPIC_COVER) if cover is not None and _is_default_cover(cover) else None,
        has_topic=topic is not None,
        content_html=html,
    )
    return run_checks(draft, settings.words)


def image_state(image: PostImage) -> ImageState:
    """Saved once its bytes are here; failed when the fetch gave up (fetched_at set, no data)."""
    saved = image.saved  # without loading the bytes (PostImage.data is deferred)
    return ImageState(saved=saved, failed=not saved and image.fetched_at is not None)


# Helpers


def _close(session: Session, current: DraftSession, post: Post, *, actor: Actor, now: datetime, settings: Settings,
           action: str) -> Closed:
    session.delete(current)
    _drop_detached_images(session, post)
    ensure_cover(session, post, settings, now)
    blocks = blocks_of(session, post.id)
    if not post.digest:
        post.digest = content.digest_of(content.Block(b.kind, b.text, b.image_id) for b in blocks)
    post.updated_at = now
    findings = check_post(session, post, settings)
    record(session, account_id=post.account_id, actor=actor, action=action, post_id=post.id, at=now,
           detail={"findings": [f.code for f in findings]})
    return Closed(post, sum(b.kind == "text" for b in blocks), sum(b.kind == "image" for b in blocks), findings)


def _start_session(session: Session, staff: Staff, post: Post, now: datetime,
                   snapshot: dict | None = None) -> DraftSession:
    current = DraftSession(account_id=staff.account_id, staff_id=staff.id, post_id=post.id, opened_at=now,
                           last_message_at=now, snapshot=snapshot)
    session.add(current)
    session.flush()
    enqueue(session, account_id=staff.account_id, kind="close_idle_draft",
            payload={"draft_session_id": current.id, "staff_id": staff.id}, run_after=now)
    return current


def _snapshot(session: Session, post: Post) -> dict:
    """The post's body as plain values (JSON keys are strings, hence the image ids as str)."""
    return {
        "blocks": [{"kind": b.kind, "text": b.text, "image_id": b.image_id} for b in blocks_of(session, post.id)],
        "images": {str(i.id): i.is_cover for i in images_of(session, post.id)},
    }


def _restore(session: Session, post: Post, snapshot: dict) -> None:
    """Put the post's body back as `snapshot` has it: its blocks, its pictures and its cover;
    pictures added since are dropped."""
    kept = snapshot["images"]
    for block in blocks_of(session, post.id):
        session.delete(block)
    session.flush()
    for image in images_of(session, post.id):
        if str(image.id) in kept:
            image.is_cover = kept[str(image.id)]
        else:
            session.delete(image)
    session.flush()
    existing = {i.id for i in images_of(session, post.id)}
    position = 0
    for saved in snapshot["blocks"]:
        if saved["kind"] == "image" and saved["image_id"] not in existing:
            continue  # a default cover replaced meanwhile has no block; nothing else goes missing
        position += 1
        session.add(PostBlock(post_id=post.id, position=position, kind=saved["kind"], text=saved["text"],
                              image_id=saved["image_id"]))
    session.flush()


def _kept_by_snapshot(current: DraftSession, image: PostImage) -> bool:
    return current.snapshot is not None and str(image.id) in current.snapshot["images"]


def _block_images(session: Session, post_id: int) -> list[PostImage]:
    """The post's pictures that are in its body, in order."""
    return list(session.scalars(
        select(PostImage).join(PostBlock, PostBlock.image_id == PostImage.id)
        .where(PostBlock.post_id == post_id).order_by(PostBlock.position)))


def _drop_detached_images(session: Session, post: Post) -> None:
    """Pictures 删段 took out during an edit stay until the edit is kept (取消 may restore
    them); once it is, they go. A default cover has no block and stays."""
    in_body = {i.id for i in _block_images(session, post.id)}
    for image in images_of(session, post.id):
        if image.id not in in_body and not _is_default_cover(image):
            session.delete(image)
    session.flush()


def _append_block(session: Session, post: Post, block: PostBlock) -> None:
    last = session.scalar(select(func.max(PostBlock.position)).where(PostBlock.post_id == post.id))
    block.post_id = post.id
    block.position = (last or 0) + 1
    session.add(block)
    session.flush()


def _block_number(session: Session, post: Post, number: int) -> PostBlock:
    blocks = blocks_of(session, post.id)
    if not 1 <= number <= len(blocks):
        raise ChatError(texts.BLOCK_NUMBER_INVALID.format(number=number, post_id=post.id))
    return blocks[number - 1]


def _block_count(session: Session, post_id: int) -> int:
    return session.scalar(select(func.count()).where(PostBlock.post_id == post_id)) or 0


def _touch(current: DraftSession, post: Post, now: datetime) -> None:
    current.last_message_at = now
    post.updated_at = now


def _require_editable(post: Post) -> None:
    if post.status not in {s.value for s in EDITABLE}:
        raise ChatError(texts.DRAFT_NOT_EDITABLE.format(post_id=post.id, status=status_name(post.status)))


def _require_author(staff: Staff, post: Post, action: str) -> None:
    if post.author_id != staff.id and staff.role != "admin":
        raise ChatError(texts.NOT_YOUR_POST.format(post_id=post.id, action=action))


def _is_default_cover(image: PostImage) -> bool:
    return (image.source_media_id or "").startswith(DEFAULT_COVER_PREFIX)
