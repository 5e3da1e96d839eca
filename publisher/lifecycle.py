"""A post's life (SPEC §5): the one place where a post's status changes.

    draft → submitted → approved (queued) → publishing → published
    returned (editable again), failed (can be re-queued), deleted (removed after
    publishing), discarded (a draft thrown away with 取消 or 确认取消). 撤回 before publishing
    takes a post back to draft: withdrawing is "not yet", so it can be edited, timed and
    submitted again.

`next_status` is the pure rule; `transition` applies it to a row and writes the audit entry
in the same unit of work, so a status never changes without its record.
"""
from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any, Sequence

from sqlalchemy import bindparam, case, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.models import Post
from publisher.services.audit import Actor, Line, record, record_all
from publisher.texts import lifecycle as texts


class Status(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    RETURNED = "returned"
    FAILED = "failed"
    DELETED = "deleted"
    DISCARDED = "discarded"


class Event(str, enum.Enum):
    SUBMIT = "submit"
    QUEUE = "queue"  # review switched off: 提交 queues directly
    APPROVE = "approve"  # the last required approval
    RETURN = "return"
    WITHDRAW = "withdraw"
    DISCARD = "discard"
    START_PUBLISHING = "start_publishing"
    DEFER = "defer"  # the bundle could not go out (quota): back to the queue
    PUBLISH_SUCCEEDED = "publish_succeeded"
    PUBLISH_FAILED = "publish_failed"
    REQUEUE = "requeue"
    DELETE = "delete"


S, E = Status, Event

TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (S.DRAFT, E.SUBMIT): S.SUBMITTED,
    (S.DRAFT, E.QUEUE): S.APPROVED,
    (S.DRAFT, E.DISCARD): S.DISCARDED,
    (S.RETURNED, E.SUBMIT): S.SUBMITTED,
    (S.RETURNED, E.QUEUE): S.APPROVED,
    (S.RETURNED, E.DISCARD): S.DISCARDED,
    (S.SUBMITTED, E.APPROVE): S.APPROVED,
    (S.SUBMITTED, E.RETURN): S.RETURNED,
    (S.SUBMITTED, E.WITHDRAW): S.DRAFT,
    (S.APPROVED, E.WITHDRAW): S.DRAFT,
    (S.APPROVED, E.START_PUBLISHING): S.PUBLISHING,
    # Until its bundle is submitted to WeChat a post can still leave it; the publishing
    # service checks the bundle before asking for these two.
    (S.PUBLISHING, E.WITHDRAW): S.DRAFT,
    (S.PUBLISHING, E.DEFER): S.APPROVED,
    (S.PUBLISHING, E.PUBLISH_SUCCEEDED): S.PUBLISHED,
    (S.PUBLISHING, E.PUBLISH_FAILED): S.FAILED,
    (S.FAILED, E.REQUEUE): S.APPROVED,
    (S.PUBLISHED, E.DELETE): S.DELETED,
}

EDITABLE = frozenset({S.DRAFT, S.RETURNED})


def status_name(status: str) -> str:
    """The Chinese name staff see for a post status."""
    return texts.STATUS_NAMES.get(status, status)


class IllegalTransition(Refusal):
    """Raised for a transition the lifecycle does not allow; its message is for staff."""

    def __init__(self, post_id: int | None, status: str, event: Event):
        self.post_id, self.status, self.event = post_id, status, event
        super().__init__(
            texts.ILLEGAL_TRANSITION.format(
                post_id=post_id if post_id is not None else "",
                status=status_name(status),
                event=texts.EVENT_NAMES[event.value],
            )
        )


def next_status(status: str, event: Event, post_id: int | None = None) -> Status:
    try:
        current = Status(status)
    except ValueError:
        raise IllegalTransition(post_id, status, event) from None
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(post_id, status, event) from None




def transition(
    session: Session,
    post: Post,
    event: Event,
    *,
    actor: Actor,
    clock: Clock,
    detail: dict[str, Any] | None = None,
) -> Status:
    """Move `post` by `event`, or raise IllegalTransition and change nothing."""
    new = next_status(post.status, event, post.id)
    old = post.status
    now = clock.now()
    post.status = new.value
    post.updated_at = now
    record(
        session,
        account_id=post.account_id,
        actor=actor,
        action=f"post.{event.value}",
        post_id=post.id,
        at=now,
        detail={"from": old, "to": new.value, **(detail or {})},
    )
    return new


def transition_all(
    session: Session,
    moves: Sequence[tuple[Post, dict[str, Any] | None]],
    event: Event,
    *,
    actor: Actor,
    clock: Clock,
    changes: Sequence[dict[str, Any]] | None = None,
) -> None:
    """`transition` of many posts by one event (a bundle's), each with its detail and the
    other columns it changes with the move (`changes`, one dict per move): every move is
    checked before any is made, so an illegal one raises IllegalTransition and changes
    nothing. The audit rows go in one statement, and the posts in one UPDATE that still
    checks each post's version: a post changed meanwhile (撤回, another worker's bundling)
    raises StaleDataError, as the ORM's own versioned UPDATE per post did."""
    news = [next_status(post.status, event, post.id) for post, _ in moves]
    now = clock.now()
    record_all(session, [Line(post.account_id, f"post.{event.value}", post.id,
                              {"from": post.status, "to": new.value, **(detail or {})})
                         for (post, detail), new in zip(moves, news)], actor=actor, at=now)
    posts = [post for post, _ in moves]
    if not posts:
        return
    rows = [{"status": new.value, "updated_at": now, **(more or {})}
            for new, more in zip(news, changes or [None] * len(posts))]
    _update_versioned(session, posts, rows)


def _update_versioned(session: Session, posts: Sequence[Post], rows: Sequence[dict[str, Any]]) -> None:
    """Write `rows[i]` to `posts[i]` in one statement, only where the row still has the version
    this session read, and leave the objects as if the ORM had flushed them."""
    session.flush()  # what the caller changed before is written first, and counted in the version
    keys = tuple(rows[0])
    per_post = tuple(any(row[key] != rows[0][key] for row in rows) for key in keys)
    params: dict[str, Any] = {}
    for i, (post, row) in enumerate(zip(posts, rows)):
        params[f"p{i}_id"], params[f"p{i}_version"] = post.id, post.version
        params.update((f"p{i}_{key}", row[key]) for key, own in zip(keys, per_post) if own)
    params.update((f"all_{key}", rows[0][key]) for key, own in zip(keys, per_post) if not own)
    result = session.execute(_versioned_update(len(posts), tuple(zip(keys, per_post))), params)
    if result.rowcount != len(posts):
        raise StaleDataError(
            f"UPDATE posts expected to match {len(posts)} row(s); {result.rowcount} were matched "
            "(a post was changed since it was read)")
    for post, row in zip(posts, rows):
        for key, value in row.items():
            set_committed_value(post, key, value)
        set_committed_value(post, "version", post.version + 1)


@lru_cache(maxsize=64)
def _versioned_update(count: int, shape: tuple[tuple[str, bool], ...]):
    """`_update_versioned`'s UPDATE for `count` posts, built once per shape (which columns take
    one value for all posts, which each post's own by its id): building it, a CASE and a
    tuple IN per call, cost more Python than running it. Bundles come in a few sizes and
    shapes, so a small cache holds them all."""
    def value(key: str, own: bool):
        column = Post.__table__.c[key]
        if not own:
            return bindparam(f"all_{key}", type_=column.type)
        return case(*[(Post.id == bindparam(f"p{i}_id"), bindparam(f"p{i}_{key}", type_=column.type))
                      for i in range(count)])
    versions = [tuple_(bindparam(f"p{i}_id"), bindparam(f"p{i}_version")) for i in range(count)]
    return (update(Post)
            .where(tuple_(Post.id, Post.version).in_(versions))
            .values(version=Post.version + 1, **{key: value(key, own) for key, own in shape})
            .execution_options(synchronize_session=False))