"""The end state every reliability case must reach, checked the same way everywhere.

- each post that went out went out exactly once (the sandbox's own record), and has
  exactly one ledger row; a post that did not go out is failed or waiting (approved,
  deferred) and its author was told the reason;
- no bundle is left active (pending, submitting, submitted) with its lease run out:
  everything was worked to an end;
- no unused draft is left in the sandbox's draft box (a draft no active bundle will
  still submit).
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from publisher.models import LedgerEntry, Post, PublishBundle, Task
from publisher.background.jobs import run_due_tasks
from publisher.publishing.states import ACTIVE_VALUES


def went_out(sandbox_state) -> Counter:
    """How many times each title went out (freepublish or mass), deleted or not."""
    with sandbox_state.lock:
        return Counter(a["title"] for p in sandbox_state.publications.values() for a in p.articles)


def drain_tasks(runtime, clock, rounds: int = 6) -> None:
    """Run the background tasks (notices, draft deletions) until none is due, letting
    their backoff pass."""
    for _ in range(rounds):
        if not run_due_tasks(runtime, limit=100):
            clock.advance(minutes=10)
            if not run_due_tasks(runtime, limit=100):
                return


def notices(runtime) -> list[str]:
    with runtime.session_factory() as session:
        return [t.payload.get("text", "") for t in session.scalars(select(Task).where(Task.kind == "send_text"))]


def end_state_problems(runtime, sandbox_state, post_ids: list[int], *, now=None,
                       expect_reason: str | None = None) -> list[str]:
    """Every way the end state breaks the invariants, in words (empty: all hold)."""
    problems: list[str] = []
    out = went_out(sandbox_state)
    now = now or runtime.clock.now()
    told = notices(runtime)
    with runtime.session_factory() as session:
        posts = [session.get(Post, p) for p in post_ids]
        ledger = Counter(session.scalars(select(LedgerEntry.post_id).where(LedgerEntry.deleted_at.is_(None))))
        bundles = list(session.scalars(select(PublishBundle)))
    for post in posts:
        times = out[post.title]
        if post.status == "published":
            if times != 1:
                problems.append(f"{post.title}: published, went out {times} times")
            if ledger[post.id] != 1:
                problems.append(f"{post.title}: published, {ledger[post.id]} ledger rows")
        else:
            if times > 1:
                problems.append(f"{post.title}: {post.status}, yet went out {times} times")
            if ledger[post.id]:
                problems.append(f"{post.title}: {post.status}, yet {ledger[post.id]} ledger rows")
            if post.status not in ("failed", "approved"):
                problems.append(f"{post.title}: left {post.status}")
            if post.author_id is not None and not any(post.title in text for text in told):
                problems.append(f"{post.title}: {post.status}, author never told")
            if expect_reason and not any(post.title in t and expect_reason in t for t in told):
                problems.append(f"{post.title}: author not told the reason {expect_reason!r}: {told}")
    for bundle in bundles:
        if bundle.status in ACTIVE_VALUES and (bundle.claim_expires_at is None or bundle.claim_expires_at < now):
            problems.append(f"bundle {bundle.id}: still {bundle.status}")
    live_drafts = {b.draft_media_id for b in bundles if b.status in ACTIVE_VALUES and b.draft_media_id}
    with sandbox_state.lock:
        leftover = [m for m in sandbox_state.drafts if m not in live_drafts]
    if leftover:
        problems.append(f"{len(leftover)} unused draft(s) left in the draft box")
    return problems


def lease_runs_out(runtime) -> None:
    """What five minutes would do to a dead worker's claim."""
    from sqlalchemy import update

    from publisher.db import transaction

    with transaction(runtime.session_factory) as session:
        session.execute(update(PublishBundle).values(claim_expires_at=runtime.clock.now() - timedelta(seconds=1)))
