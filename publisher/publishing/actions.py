"""What staff ask of the queue in chat: 定时, 撤回, 删除. Each returns the reply text or
raises `Refused` with the Chinese reason."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from publisher.background.tasks import TaskContext, enqueue
from publisher.core.clock import Clock
from publisher.core.timeparse import format_beijing
from publisher.errors import Refusal
from publisher.lifecycle import EDITABLE, Event, Status, status_name, transition
from publisher.models import LedgerEntry, Post, PublishBundle
from publisher.services.audit import SYSTEM, Actor
from publisher.services.ledger import flag_deleted
from publisher.services.review import tell_reviewers_withdrawn
from publisher.services.notify import notify_staff
from publisher.texts import publishing as texts
from publisher.wechat import Rejected

from .claim import is_held
from .outcome import bundle_posts, ledger_key
from .states import BundleEvent, BundleStatus, move

log = logging.getLogger(__name__)


class Refused(Refusal):
    """A request staff made that cannot be done; the message says why, in Chinese."""


def _leave_bundle(session: Session, post: Post, clock: Clock) -> None:
    """Take `post` out of its bundle, if the bundle has not gone to WeChat yet.

    The conditional UPDATE on the bundle row is what makes this safe against a worker: it
    only matches while the bundle is pending and unclaimed, and it holds the row until this
    transaction ends, so a worker cannot claim it in between.
    """
    now = clock.now()
    bundle = session.get(PublishBundle, post.bundle_id)
    if bundle.status != BundleStatus.PENDING:
        raise Refused(texts.TOO_LATE.format(post_id=post.id, title=post.title))
    if is_held(bundle, now):
        raise Refused(texts.BUSY.format(post_id=post.id, title=post.title))
    locked = session.execute(
        update(PublishBundle)
        .where(PublishBundle.id == bundle.id, PublishBundle.status == BundleStatus.PENDING.value,
               (PublishBundle.claim_expires_at.is_(None)) | (PublishBundle.claim_expires_at < now))
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        raise Refused(texts.BUSY.format(post_id=post.id, title=post.title))
    session.refresh(bundle)
    post.bundle_id = post.bundle_position = None
    session.flush()
    remaining = bundle_posts(session, bundle)
    for position, other in enumerate(remaining, start=1):
        other.bundle_position = position
    if bundle.draft_media_id:
        # The draft holds the old set of articles: the pipeline makes a new one.
        enqueue(session, account_id=bundle.account_id, kind="delete_draft",
                payload={"media_id": bundle.draft_media_id}, run_after=now,
                dedup_key=f"delete_draft:{bundle.draft_media_id}")
        bundle.draft_media_id = None
    if not remaining:
        move(bundle, BundleEvent.CANCELLED, now)


def withdraw(session: Session, post: Post, *, actor: Actor, clock: Clock) -> str:
    """Take the post out of review or the queue, back to draft; the reviewers it had asked
    are told, so that nobody reviews what is no longer waiting."""
    was = post.status
    if was == Status.PUBLISHING.value:
        _leave_bundle(session, post, clock)
    elif was not in (Status.APPROVED.value, Status.SUBMITTED.value):
        raise Refused(texts.CANNOT_WITHDRAW.format(post_id=post.id, status=status_name(post.status)))
    transition(session, post, Event.WITHDRAW, actor=actor, clock=clock)
    unreachable = tell_reviewers_withdrawn(session, post, was=was, by_staff_id=actor.staff_id, now=clock.now())
    lines = [texts.WITHDRAWN.format(post_id=post.id, title=post.title)]
    if unreachable:
        lines.append(texts.WITHDRAWN_REVIEWERS_UNREACHABLE.format(names=texts.NAME_SEPARATOR.join(unreachable)))
    return "\n".join(lines)


def schedule(session: Session, post: Post, at: datetime, *, actor: Actor, clock: Clock, timezone) -> str:
    """Set the wished time; a failed post is re-queued by it (SPEC §6)."""
    when = format_beijing(at, timezone)
    if post.status == Status.FAILED.value:
        transition(session, post, Event.REQUEUE, actor=actor, clock=clock, detail={"scheduled_at": at.isoformat()})
        post.scheduled_at, post.failure_reason = at, None
        return texts.REQUEUED.format(post_id=post.id, title=post.title, when=when)
    if post.status in {s.value for s in EDITABLE}:
        # A draft (a withdrawn post among them) keeps the wished time for its 提交.
        post.scheduled_at, post.updated_at = at, clock.now()
        return texts.SCHEDULED_DRAFT.format(post_id=post.id, title=post.title, when=when)
    if post.status == Status.PUBLISHING.value:
        _leave_bundle(session, post, clock)
        transition(session, post, Event.DEFER, actor=actor, clock=clock, detail={"scheduled_at": at.isoformat()})
    elif post.status not in (Status.APPROVED.value, Status.SUBMITTED.value):
        raise Refused(texts.CANNOT_SCHEDULE.format(post_id=post.id, status=status_name(post.status)))
    post.scheduled_at, post.updated_at = at, clock.now()
    return texts.SCHEDULED.format(post_id=post.id, title=post.title, when=when)


def request_delete(session: Session, post: Post, *, actor: Actor, clock: Clock) -> str:
    """删除 calls WeChat, which may be slow: it runs as a background task and the member is
    told when it is done."""
    if post.status != Status.PUBLISHED.value or post.bundle_id is None:
        raise Refused(texts.CANNOT_DELETE.format(post_id=post.id, status=status_name(post.status)))
    enqueue(session, account_id=post.account_id, kind="delete_published",
            payload={"post_id": post.id, "staff_id": actor.staff_id, "actor": actor.label},
            run_after=clock.now(), dedup_key=f"delete_published:{post.id}")
    return texts.DELETE_REQUESTED.format(post_id=post.id, title=post.title)


def article_index(session: Session, post: Post) -> tuple[PublishBundle, int]:
    bundle = session.get(PublishBundle, post.bundle_id)
    idx = [p.id for p in bundle_posts(session, bundle)].index(post.id) + 1
    return bundle, idx


def delete_published(ctx: TaskContext, payload: dict[str, Any]) -> None:
    session, clock = ctx.session, ctx.runtime.clock
    post = session.get(Post, payload["post_id"])
    if post.status != Status.PUBLISHED.value:
        return
    bundle, idx = article_index(session, post)
    try:
        if bundle.mode == "mass":
            ctx.gateway.delete_mass(bundle.msg_id, idx)
        else:
            ctx.gateway.delete_published(bundle.article_id, idx)
    except Rejected as exc:
        log.error("delete of post %s (bundle %s) refused: errcode %s", post.id, bundle.id, exc.errcode)
        _tell(session, post, payload, texts.DELETE_FAILED.format(error=exc.errcode), clock)
        return
    actor = Actor(payload.get("actor") or SYSTEM.label, payload.get("staff_id"))
    transition(session, post, Event.DELETE, actor=actor, clock=clock, detail={"bundle_id": bundle.id, "idx": idx})
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.external_key == ledger_key(bundle, idx)))
    if entry is not None:
        flag_deleted(session, entry, actor=actor, clock=clock)
    _tell(session, post, payload, texts.DELETED.format(post_id=post.id, title=post.title), clock)


def _tell(session: Session, post: Post, payload: dict[str, Any], text: str, clock: Clock) -> None:
    if payload.get("staff_id"):
        notify_staff(session, account_id=post.account_id, staff_ids=[payload["staff_id"]], text=text, now=clock.now())


def delete_draft(ctx: TaskContext, payload: dict[str, Any]) -> None:
    try:
        ctx.gateway.delete_draft(payload["media_id"])
    except Rejected:
        pass  # already gone (published drafts leave the draft box)
