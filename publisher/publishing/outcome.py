"""How a bundle ends: published (ledger rows, notices), failed (reason in Chinese), deferred.

Every function here is idempotent: polling, the webhook event and a resumed worker may
each report the same outcome.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from publisher.background.tasks import enqueue
from publisher.core.clock import Clock
from publisher.lifecycle import Event, transition, transition_all
from publisher.models import WECHAT_CHANNEL, Approval, LedgerEntry, Post, PublishBundle, Topic
from publisher.services.audit import SYSTEM
from publisher.services.ledger import NewEntry, add_entries
from publisher.services.notify import Notice, notify_each, notify_staff
from publisher.texts import publishing as texts

from .queue import moved_notice_key
from .states import FINAL_VALUES, BundleEvent, BundleStatus, move

log = logging.getLogger(__name__)


def bundle_posts(session: Session, bundle: PublishBundle) -> list[Post]:
    """The bundle's posts in article order (idx 1..n)."""
    return list(
        session.scalars(select(Post).where(Post.bundle_id == bundle.id).order_by(Post.bundle_position, Post.id))
    )


def drafted_posts(session: Session, bundle_id: int) -> list:
    """`bundle_posts` as plain rows of what an article is built from (its title, digest, byline,
    footer): the draft changes no post through the ORM, and loading them as objects was a
    third of the draft's step."""
    return list(session.execute(_DRAFTED_POSTS, {"bundle_id": bundle_id}))


_DRAFTED_POSTS = (
    select(Post.id, Post.account_id, Post.author_id, Post.title, Post.digest, Post.byline, Post.author_name,
           Post.status, Post.submitted_at)
    .where(Post.bundle_id == bindparam("bundle_id")).order_by(Post.bundle_position, Post.id))


def bundle_post_ids(session: Session, bundle_id: int) -> list[int]:
    """`bundle_posts`' ids, without loading the posts."""
    return list(session.scalars(
        select(Post.id).where(Post.bundle_id == bundle_id).order_by(Post.bundle_position, Post.id)))


def _told(post: Post, session: Session) -> list[int]:
    reviewers = session.scalars(select(Approval.reviewer_id).where(Approval.post_id == post.id))
    return [i for i in (post.author_id, *reviewers) if i is not None]


def ledger_key(bundle: PublishBundle, idx: int) -> str:
    if bundle.article_id:
        return f"wechat:{bundle.article_id}:{idx}"
    return f"wechat:mass:{bundle.msg_id}:{idx}"


def complete_published(
    session: Session, bundle: PublishBundle, *, article_id: str | None, urls: dict[int, str],
    published_at: datetime, clock: Clock, timezone: ZoneInfo,
) -> None:
    """The bundle went out: posts published, one ledger row per article, authors told. The
    look-ups, the ledger rows and the notices take one statement each for the whole bundle."""
    if bundle.status == BundleStatus.PUBLISHED:
        _fill_missing_urls(session, bundle, urls)
        return
    bundle.article_id = bundle.article_id or article_id
    move(bundle, BundleEvent.PUBLISHED, clock.now())
    posts = bundle_posts(session, bundle)
    topics = _topics(session, posts)
    told = _told_each(session, posts)
    transition_all(session, [(post, {"bundle_id": bundle.id, "idx": idx, "url": urls.get(idx)})
                             for idx, post in enumerate(posts, start=1)],
                   Event.PUBLISH_SUCCEEDED, actor=SYSTEM, clock=clock,
                   changes=[{"published_at": published_at, "article_url": urls.get(idx), "failure_reason": None}
                            for idx in range(1, len(posts) + 1)])
    entries, notices = [], []
    for idx, post in enumerate(posts, start=1):
        url = urls.get(idx)
        entries.append(NewEntry(
            account_id=post.account_id, channel=WECHAT_CHANNEL, topic=topics.get(post.topic_id) or texts.UNTITLED_TOPIC,
            title=post.title, published_at=published_at, url=url, post_id=post.id, source="publish",
            external_key=ledger_key(bundle, idx),
        ))
        text = (texts.PUBLISHED_NOTICE.format(title=post.title, url=url) if url
                else texts.PUBLISHED_NOTICE_NO_URL.format(title=post.title))
        notices.append(Notice(told[post.id], text, f"published:{post.id}"))
    add_entries(session, entries, actor=SYSTEM, clock=clock, timezone=timezone)
    notify_each(session, account_id=bundle.account_id, notices=notices, now=clock.now())
    log.info("bundle %s published (article_id %s)", bundle.id, bundle.article_id)


def _topics(session: Session, posts: list[Post]) -> dict[int, str]:
    ids = {post.topic_id for post in posts if post.topic_id}
    return dict(session.execute(select(Topic.id, Topic.name).where(Topic.id.in_(ids))).all()) if ids else {}


def _told_each(session: Session, posts: list[Post]) -> dict[int, tuple[int, ...]]:
    """`_told` of each post, in one query."""
    reviewers: dict[int, list[int]] = {post.id: [] for post in posts}
    for post_id, reviewer_id in session.execute(
        select(Approval.post_id, Approval.reviewer_id).where(Approval.post_id.in_(reviewers))
    ):
        reviewers[post_id].append(reviewer_id)
    return {post.id: tuple(i for i in (post.author_id, *reviewers[post.id]) if i is not None) for post in posts}


def _fill_missing_urls(session: Session, bundle: PublishBundle, urls: dict[int, str]) -> None:
    """Mass sends polled to success learn their links only from the later event."""
    for idx, post in enumerate(bundle_posts(session, bundle), start=1):
        if urls.get(idx) and not post.article_url:
            post.article_url = urls[idx]
            entry = session.scalar(select(LedgerEntry).where(LedgerEntry.external_key == ledger_key(bundle, idx)))
            if entry is not None and not entry.url:
                entry.url = urls[idx]


def _fail_post(session: Session, post: Post, reason: str, clock: Clock, bundle: PublishBundle) -> None:
    transition(session, post, Event.PUBLISH_FAILED, actor=SYSTEM, clock=clock,
               detail={"bundle_id": bundle.id, "reason": reason})
    post.failure_reason = reason
    post.bundle_id = None
    notify_staff(session, account_id=post.account_id, staff_ids=_told(post, session), now=clock.now(),
                 text=texts.FAILED_NOTICE.format(title=post.title, post_id=post.id, reason=reason),
                 dedup_key=f"failed:{post.id}:{bundle.id}")


def _requeue_post(session: Session, post: Post, clock: Clock, bundle: PublishBundle, why: str) -> None:
    transition(session, post, Event.DEFER, actor=SYSTEM, clock=clock, detail={"bundle_id": bundle.id, "why": why})
    post.bundle_id = post.bundle_position = None


def fail_bundle(
    session: Session, bundle: PublishBundle, reason: str, *, clock: Clock,
    errcode: int | None = None, fail_idx: list[int] | None = None,
) -> None:
    """Failed with a reason. When WeChat names the failing articles of a multi-article job,
    only those fail; the others were not at fault and go back to the queue."""
    if bundle.status in FINAL_VALUES:
        return
    posts = bundle_posts(session, bundle)
    failing = {i for i in (fail_idx or []) if 1 <= i <= len(posts)}
    for idx, post in enumerate(posts, start=1):
        if failing and idx not in failing:
            _requeue_post(session, post, clock, bundle, texts.ARTICLE_FAILED_IN_BUNDLE.format(idx="、".join(map(str, sorted(failing)))))
            # Still due at the bundle's time, so they go out in the very next pass.
            post.scheduled_at = post.scheduled_at or bundle.slot_at
        else:
            _fail_post(session, post, reason, clock, bundle)
    move(bundle, BundleEvent.FAILED, clock.now())
    bundle.last_error, bundle.last_errcode = reason, errcode
    _discard_draft(session, bundle, clock)
    log.warning("bundle %s failed (errcode %s, fail_idx %s): %s", bundle.id, errcode, fail_idx, reason)


def defer_bundle(
    session: Session, bundle: PublishBundle, why: str, *, clock: Clock, when: str, until: datetime
) -> None:
    """The platform's quota is used up today: the posts go back to the queue, whose plan now
    skips the closed day, and their authors are told when they will go out."""
    if bundle.status in FINAL_VALUES:
        return
    for post in bundle_posts(session, bundle):
        _requeue_post(session, post, clock, bundle, why)
        notify_staff(session, account_id=post.account_id, staff_ids=_told(post, session), now=clock.now(),
                     text=texts.DEFERRED_NOTICE.format(title=post.title, post_id=post.id, why=why, when=when),
                     dedup_key=moved_notice_key(post.id, until))
    move(bundle, BundleEvent.DEFERRED, clock.now())
    bundle.last_error = why
    _discard_draft(session, bundle, clock)


def _discard_draft(session: Session, bundle: PublishBundle, clock: Clock) -> None:
    """A draft that will never be submitted is removed from the draft box, in the background:
    the bundle has ended, and nothing submits an ended bundle again. That includes a draft
    that was submitted: WeChat puts a failed job's draft back in the box (and keeps a failed
    mass send's); one that has left the box is answered 40007, which the task ignores."""
    if bundle.draft_media_id:
        enqueue(session, account_id=bundle.account_id, kind="delete_draft",
                payload={"media_id": bundle.draft_media_id}, run_after=clock.now(),
                dedup_key=f"delete_draft:{bundle.draft_media_id}")
        bundle.draft_media_id = None
