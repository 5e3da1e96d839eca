"""The queue as a plan, and the due part of the plan turned into bundles."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from publisher.core.clock import Clock
from publisher.core.planning import AccountPlan, PlannedBundle, QueuedPost, due_bundles, make_plan
from publisher.core.timeparse import format_beijing
from publisher.lifecycle import Event, Status, transition_all
from publisher.models import Post, PublishBundle
from publisher.services.accounts import AccountContext
from publisher.services.audit import SYSTEM
from publisher.services.notify import notify_staff
from publisher.settings import Settings
from publisher.texts import publishing as texts

from . import quota
from .states import ACTIVE_VALUES

log = logging.getLogger(__name__)


# The scheduler's tick runs these for every account: built once, as building and keying a
# statement each time cost more than running it. Its posts are objects: bundling changes them.
_QUEUED = select(Post).where(Post.account_id == bindparam("account_id"), Post.status == Status.APPROVED.value,
                             Post.bundle_id.is_(None))
# 队列 only shows them: plain rows, not ORM objects (their identity and state cost more than the
# query), through the session so that what it holds is flushed first.
_POSTS, _BUNDLES = Post.__table__, PublishBundle.__table__
_QUEUED_ROWS = (select(_POSTS.c.id, _POSTS.c.title, _POSTS.c.priority, _POSTS.c.approved_at, _POSTS.c.created_at,
                       _POSTS.c.scheduled_at)
                .where(_POSTS.c.account_id == bindparam("account_id"), _POSTS.c.status == Status.APPROVED.value,
                       _POSTS.c.bundle_id.is_(None)))
# The bundles under way with their sizes, in one statement.
_IN_PROGRESS_SIZES = (select(_BUNDLES.c.id, func.count(_POSTS.c.id))
                      .select_from(_BUNDLES.outerjoin(_POSTS, _POSTS.c.bundle_id == _BUNDLES.c.id))
                      .where(_BUNDLES.c.account_id == bindparam("account_id"), _BUNDLES.c.status.in_(ACTIVE_VALUES))
                      .group_by(_BUNDLES.c.id).order_by(_BUNDLES.c.id))


def queued_posts(session: Session, account_id: int) -> list[Post]:
    return list(session.scalars(_QUEUED, {"account_id": account_id}))


def account_plan(session: Session, account: AccountContext, settings: Settings) -> AccountPlan:
    configured = account.settings
    sends, blocked = quota.usage(session, account.id)
    return AccountPlan(
        slots=configured.slots,
        timezone=settings.timezone,
        mode=configured.mode,
        account_type=configured.account_type,
        sends_used=sends,
        blocked_days=blocked,
    )


def current_plan(session: Session, account: AccountContext, settings: Settings, now: datetime) -> tuple[list[PlannedBundle], dict[int, Post]]:
    posts = {p.id: p for p in queued_posts(session, account.id)}
    return _plan_of(session, account, settings, now, posts.values()), posts


def _plan_of(session: Session, account: AccountContext, settings: Settings, now: datetime,
             posts) -> list[PlannedBundle]:
    """The plan of the queued `posts` (ORM objects or rows with the same names)."""
    queued = [QueuedPost(p.id, p.priority, p.approved_at or p.created_at, p.scheduled_at) for p in posts]
    return make_plan(queued, account_plan(session, account, settings), now)


def planned_time(session: Session, account: AccountContext, settings: Settings, now: datetime,
                 post_id: int) -> datetime | None:
    """When the queued post goes out by the current plan (the slot 队列 shows it in); None when
    it is not in the queue."""
    plan, _ = current_plan(session, account, settings, now)
    return next((planned.at for planned in plan if post_id in planned.post_ids), None)


@dataclass(frozen=True)
class QueueEntry:
    post_id: int
    title: str
    rolled: bool  # wanted an earlier time: moved here by the mass-send quota or a blocked day
    blocked: bool  # moved here by a blocked day (45009)


@dataclass(frozen=True)
class QueueSlot:
    at: datetime
    entries: tuple[QueueEntry, ...]


@dataclass(frozen=True)
class QueueOverview:
    mode: str
    in_progress: tuple[tuple[int, int], ...]  # (bundle id, how many posts), for bundles not finished yet
    slots: tuple[QueueSlot, ...]


def queue_overview(session: Session, account: AccountContext, settings: Settings, now: datetime) -> QueueOverview:
    """队列: the bundles under way, then the plan slot by slot, exactly as the scheduler will follow it."""
    posts = {row.id: row for row in session.execute(_QUEUED_ROWS, {"account_id": account.id})}
    plan = _plan_of(session, account, settings, now, posts.values())
    in_progress = session.execute(_IN_PROGRESS_SIZES, {"account_id": account.id}).all()
    return QueueOverview(
        mode=account.settings.mode,
        in_progress=tuple((bundle_id, size) for bundle_id, size in in_progress),
        slots=tuple(
            QueueSlot(planned.at, tuple(
                QueueEntry(post_id, posts[post_id].title, post_id in planned.rolled_ids, post_id in planned.blocked_ids)
                for post_id in planned.post_ids
            ))
            for planned in plan
        ),
    )


def moved_notice_key(post_id: int, until: datetime) -> str:
    """One notice per post and new time, whether the plan or a deferred bundle moved it."""
    return f"moved:{post_id}:{until.astimezone(UTC).isoformat()}"


def client_msg_id(account: AccountContext, bundle: PublishBundle) -> str:
    """Derived from the bundle, so a retried send carries the same id and WeChat answers
    45065 instead of sending twice; the creation second guards against a reused bundle id
    (a database restored from backup)."""
    return f"gp{account.id}-{bundle.id}-{int(bundle.created_at.timestamp())}"


def materialize_due(session: Session, account: AccountContext, settings: Settings, clock: Clock) -> list[int]:
    """Create a bundle for each due part of the plan; tell authors whose post the quota moved.

    Two processes doing this at once are kept apart by the posts' optimistic version: the
    second one's commit fails and it simply skips this pass.
    """
    now = clock.now()
    plan, posts = current_plan(session, account, settings, now)
    created = []
    for planned in due_bundles(plan, now):
        bundle = PublishBundle(
            account_id=account.id,
            mode=account.settings.mode,
            slot_at=planned.at,
            status="pending",
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        session.add(bundle)
        session.flush()
        if bundle.mode == "mass":  # a freepublish bundle never sends one (an UPDATE fewer per bundle)
            bundle.client_msg_id = client_msg_id(account, bundle)
        transition_all(session, [(posts[post_id], {"bundle_id": bundle.id}) for post_id in planned.post_ids],
                       Event.START_PUBLISHING, actor=SYSTEM, clock=clock,
                       changes=[{"bundle_id": bundle.id, "bundle_position": position}
                                for position in range(1, len(planned.post_ids) + 1)])
        created.append(bundle.id)
        log.info("bundle %s: %d post(s) for %s", bundle.id, len(planned.post_ids), planned.at.isoformat())
    for planned in plan:
        for post_id in planned.rolled_ids:
            post = posts[post_id]
            if post.author_id is None:
                continue
            why = texts.DEFER_WHY_API_QUOTA if post_id in planned.blocked_ids else texts.DEFER_WHY_MASS_QUOTA
            notify_staff(
                session, account_id=account.id, staff_ids=[post.author_id], now=now,
                text=texts.DEFERRED_NOTICE.format(title=post.title, post_id=post.id, why=why,
                                                  when=format_beijing(planned.at, settings.timezone)),
                dedup_key=moved_notice_key(post.id, planned.at),
            )
    session.flush()
    return created
