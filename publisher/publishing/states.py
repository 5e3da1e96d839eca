"""A publish bundle's life: the exactly-once protocol in one table.

    pending ──mark_submitting──▶ submitting ──submitted──▶ submitted ──published──▶ published
       │                           │  ▲  │                      │
       │                           │  └──┘ mark_submitting      └──failed──▶ failed
       │                           │       (a repeat: same clientmsgid, or a draft still in the box)
       │                           ├──refused──▶ pending   (WeChat said no: certainly not applied)
       │                           ├──published──▶ published (reconcile found it among the published)
       │                           └──failed──▶ failed      (never confirmed; staff check the account)
       ├──failed──▶ failed         (rejected, or retries exhausted before anything was sent)
       ├──deferred──▶ deferred     (quota used up: the posts go back to the queue)
       └──cancelled──▶ cancelled   (every post left the bundle before it went to WeChat)

What each state promises after a crash:
- pending: nothing irreversible happened; recorded uploads and draft are reused.
- submitting: a submit or send may have been applied; it is reconciled, never repeated blindly.
- submitted: WeChat holds the job (publish_id / msg_id recorded); wait for the event or poll.

`move` is the one function that changes `PublishBundle.status`; an illegal move raises
`IllegalBundleMove` and changes nothing.
"""
from __future__ import annotations

import enum
from datetime import datetime

from publisher.models import PublishBundle


class BundleStatus(str, enum.Enum):
    PENDING = "pending"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    FAILED = "failed"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


class BundleEvent(str, enum.Enum):
    MARK_SUBMITTING = "mark_submitting"  # committed before the non-idempotent call
    REFUSED = "refused"  # a definite refusal of that call: it was not applied
    SUBMITTED = "submitted"  # WeChat answered with a publish_id / msg_id
    PUBLISHED = "published"
    FAILED = "failed"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


B, V = BundleStatus, BundleEvent

TRANSITIONS: dict[tuple[BundleStatus, BundleEvent], BundleStatus] = {
    (B.PENDING, V.MARK_SUBMITTING): B.SUBMITTING,
    (B.PENDING, V.FAILED): B.FAILED,
    (B.PENDING, V.DEFERRED): B.DEFERRED,
    (B.PENDING, V.CANCELLED): B.CANCELLED,
    (B.SUBMITTING, V.MARK_SUBMITTING): B.SUBMITTING,
    (B.SUBMITTING, V.REFUSED): B.PENDING,
    (B.SUBMITTING, V.SUBMITTED): B.SUBMITTED,
    (B.SUBMITTING, V.PUBLISHED): B.PUBLISHED,
    (B.SUBMITTING, V.FAILED): B.FAILED,
    (B.SUBMITTED, V.PUBLISHED): B.PUBLISHED,
    (B.SUBMITTED, V.FAILED): B.FAILED,
}

# Claimable by a worker; everything else is an end state that no event changes again.
ACTIVE = frozenset({B.PENDING, B.SUBMITTING, B.SUBMITTED})
FINAL = frozenset(BundleStatus) - ACTIVE
ACTIVE_VALUES = tuple(s.value for s in ACTIVE)
FINAL_VALUES = tuple(s.value for s in FINAL)


class IllegalBundleMove(Exception):
    """A move the table does not allow: a bug in the pipeline, never something staff caused."""

    def __init__(self, bundle_id: int | None, status: str, event: BundleEvent):
        self.bundle_id, self.status, self.event = bundle_id, status, event
        super().__init__(f"bundle {bundle_id}: no move from {status!r} by {event.value!r}")


def next_status(status: str, event: BundleEvent, bundle_id: int | None = None) -> BundleStatus:
    try:
        return TRANSITIONS[(BundleStatus(status), event)]
    except (ValueError, KeyError):
        raise IllegalBundleMove(bundle_id, status, event) from None


def is_final(status: str) -> bool:
    return status in FINAL_VALUES


def move(bundle: PublishBundle, event: BundleEvent, now: datetime) -> BundleStatus:
    """Move `bundle` by `event`, or raise IllegalBundleMove and change nothing. An end state
    also records when the bundle finished."""
    new = next_status(bundle.status, event, bundle.id)
    bundle.status, bundle.updated_at = new.value, now
    if new in FINAL:
        bundle.finished_at, bundle.next_attempt_at = now, None
    return new
