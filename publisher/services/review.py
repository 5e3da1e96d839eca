"""Review (先审后发, SPEC §5): submit after the checks, `review.levels` distinct approvals, no
self-approval unless configured, return with a reason. Reviewers are told when a post awaits
them and authors when it is approved or returned (customer-service messages, queued)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.checks import Finding, describe
from publisher.core.clock import Clock
from publisher.core.timeparse import format_beijing
from publisher.lifecycle import EDITABLE, Event, Status, status_name, transition
from publisher.models import REVIEWER_ROLES, Post, Staff
from publisher.models.chat import Approval
from publisher.services import drafting
from publisher.services.audit import Actor, record
from publisher.services.drafting import ChatError
from publisher.services.notify import notify_staff, reachable_staff
from publisher.settings import Settings
from publisher.texts import chat as texts


class SubmitBlocked(ChatError):
    def __init__(self, post: Post, findings: list[Finding]):
        self.findings = findings
        blocking = [f for f in findings if f.blocking]
        super().__init__(
            texts.SUBMIT_BLOCKED.format(post_id=post.id)
            + texts.FINDINGS_BLOCKING.format(count=len(blocking))
            + "\n"
            + describe(findings)
        )


@dataclass(frozen=True)
class Submitted:
    post: Post
    queued: bool  # review off: straight into the queue
    findings: list[Finding]
    # Names of the reviewers told, and of those WeChat cannot reach now (48-hour window).
    told: list[str]
    unreachable: list[str]


@dataclass(frozen=True)
class Approved:
    post: Post
    level: int
    levels: int
    final: bool
    # Names of those a notice of this approval (author, next reviewers) cannot reach now.
    author_unreachable: str | None
    next_unreachable: list[str]
    goes_out_at: datetime | None = None  # the final approval: when the plan sends it out


@dataclass(frozen=True)
class Returned:
    post: Post
    author_unreachable: str | None  # the author's name when WeChat cannot tell them now


def submit(
    session: Session, *, post: Post, staff: Staff, when: datetime | None, settings: Settings, actor: Actor, clock: Clock
) -> Submitted:
    if post.status not in {s.value for s in EDITABLE}:
        raise ChatError(texts.SUBMIT_NOT_EDITABLE.format(post_id=post.id, status=status_name(post.status)))
    if post.author_id != staff.id and staff.role not in REVIEWER_ROLES:
        raise ChatError(texts.NOT_YOUR_POST.format(post_id=post.id, action=texts.SUBMIT_ACTION))
    now = clock.now()
    drafting.close_session_of(session, post)
    drafting.ensure_cover(session, post, settings, now)
    findings = drafting.check_post(session, post, settings)
    if any(f.blocking for f in findings):
        record(session, account_id=post.account_id, actor=actor, action="review.submit_blocked", post_id=post.id,
               at=now, detail={"findings": [f.code for f in findings]})
        raise SubmitBlocked(post, findings)

    # With no time given, a wished time set earlier (定时 on the draft, or before 撤回) stands
    # while it is still ahead.
    if when is None and post.scheduled_at is not None and post.scheduled_at > now:
        when = post.scheduled_at
    post.scheduled_at = when
    detail = {"scheduled_at": when.isoformat() if when else None, "findings": [f.code for f in findings]}
    if not settings.review_enabled:
        transition(session, post, Event.QUEUE, actor=actor, clock=clock, detail=detail)
        post.approved_at = now
        return Submitted(post, True, findings, [], [])

    transition(session, post, Event.SUBMIT, actor=actor, clock=clock, detail=detail)
    # Approvals belong to a submission by its time: a resubmission within the same instant as
    # the returned one must not inherit that submission's approvals.
    previous = post.submitted_at
    post.submitted_at = now if previous is None or now > previous else previous + timedelta(microseconds=1)
    reviewers = eligible_reviewers(session, post, settings)
    text = texts.REVIEW_WAITING.format(post_id=post.id, title=post.title, author=post.author_name or "")
    warnings = [f for f in findings if not f.blocking]
    if warnings:
        text += texts.REVIEW_WAITING_FINDINGS.format(findings=describe(warnings))
    told, unreachable = _notify(session, post, reviewers, text, now)
    return Submitted(post, False, findings, told, unreachable)


# When a queued post goes out by the current plan (publisher.publishing.queue.planned_time,
# wired by the caller: the queue is a layer above this one).
Planner = Callable[[Post], datetime | None]


def approve(session: Session, *, post: Post, reviewer: Staff, settings: Settings, actor: Actor, clock: Clock,
            planner: Planner) -> Approved:
    _require_reviewer(reviewer, post)
    post = _locked(session, post)
    if post.status != Status.SUBMITTED.value:
        raise ChatError(texts.REVIEW_NOT_SUBMITTED.format(post_id=post.id, status=status_name(post.status)))
    if post.author_id == reviewer.id and not settings.allow_self_approval:
        raise ChatError(texts.REVIEW_SELF.format(post_id=post.id))
    levels = settings.review_levels
    current = approvals_of(session, post)
    if any(a.reviewer_id == reviewer.id for a in current):
        raise ChatError(texts.REVIEW_ALREADY.format(post_id=post.id, levels=levels))
    now = clock.now()
    level = len(current) + 1
    session.add(Approval(post_id=post.id, reviewer_id=reviewer.id, submitted_at=post.submitted_at, level=level,
                         approved_at=now, inbound_message_id=actor.inbound_message_id))
    record(session, account_id=post.account_id, actor=actor, action="review.approve", post_id=post.id, at=now,
           detail={"level": level, "levels": levels})
    final = level >= levels
    goes_out_at = None
    if final:
        transition(session, post, Event.APPROVE, actor=actor, clock=clock, detail={"approvals": level})
        post.approved_at = now
        session.flush()
        goes_out_at = planner(post)
        text = texts.AUTHOR_APPROVED.format(post_id=post.id, title=post.title, reviewer=reviewer.name,
                                            when=when_text(post, settings, goes_out_at))
    else:
        text = texts.AUTHOR_APPROVED_PARTIAL.format(post_id=post.id, title=post.title, reviewer=reviewer.name,
                                                    level=level, levels=levels)
    next_unreachable: list[str] = []
    if not final:
        done = {a.reviewer_id for a in current} | {reviewer.id}
        others = [r for r in eligible_reviewers(session, post, settings) if r.id not in done]
        _, next_unreachable = _notify(
            session, post, others, texts.REVIEW_WAITING.format(post_id=post.id, title=post.title,
                                                                author=post.author_name or ""), now)
    author_unreachable = None
    if post.author_id and post.author_id != reviewer.id:
        author_unreachable = _notify_author(session, post, text, now)
    return Approved(post, level, levels, final, author_unreachable, next_unreachable, goes_out_at)


def return_post(session: Session, *, post: Post, reviewer: Staff, reason: str, actor: Actor, clock: Clock) -> Returned:
    reason = reason.strip()
    if not reason:
        raise ChatError(texts.RETURN_REASON_NEEDED.format(post_id=post.id))
    _require_reviewer(reviewer, post)
    post = _locked(session, post)
    if post.status != Status.SUBMITTED.value:
        raise ChatError(texts.REVIEW_NOT_SUBMITTED.format(post_id=post.id, status=status_name(post.status)))
    transition(session, post, Event.RETURN, actor=actor, clock=clock, detail={"reason": reason})
    author_unreachable = None
    if post.author_id and post.author_id != reviewer.id:
        text = texts.AUTHOR_RETURNED.format(post_id=post.id, title=post.title, reviewer=reviewer.name, reason=reason)
        author_unreachable = _notify_author(session, post, text, clock.now())
    return Returned(post, author_unreachable)


@dataclass(frozen=True)
class Awaiting:
    """A post waiting for one reviewer (待审)."""
    post: Post
    level: int  # the level this reviewer's approval would be
    levels: int
    findings: int


def awaiting(session: Session, reviewer: Staff, settings: Settings) -> list[Awaiting]:
    """The posts waiting for `reviewer`'s approval, the longest waiting first: submitted, not
    yet approved by them, and not their own unless self-approval is on."""
    posts = session.scalars(
        select(Post).where(Post.account_id == reviewer.account_id, Post.status == Status.SUBMITTED.value)
        .order_by(Post.submitted_at, Post.id))
    waiting = []
    for post in posts:
        if post.author_id == reviewer.id and not settings.allow_self_approval:
            continue
        current = approvals_of(session, post)
        if any(a.reviewer_id == reviewer.id for a in current):
            continue
        waiting.append(Awaiting(post, len(current) + 1, settings.review_levels,
                                len(drafting.check_post(session, post, settings))))
    return waiting


def tell_reviewers_withdrawn(session: Session, post: Post, *, was: str, by_staff_id: int | None,
                             now: datetime) -> list[str]:
    """Tell the reviewers a withdrawn post had asked for: every reviewer while it waited for
    review, those who approved it once it was approved. Returns the names WeChat cannot reach."""
    if was == Status.SUBMITTED.value:
        asked = session.scalars(select(Staff).where(
            Staff.account_id == post.account_id, Staff.role.in_(REVIEWER_ROLES), Staff.active.is_(True),
            Staff.openid.is_not(None)))
    else:
        asked = (session.get(Staff, a.reviewer_id) for a in approvals_of(session, post))
    members = [m for m in asked if m.id not in (post.author_id, by_staff_id) and m.active and m.openid]
    withdrawer = session.get(Staff, by_staff_id) if by_staff_id else None
    text = texts.REVIEWER_TOLD_WITHDRAWN.format(post_id=post.id, title=post.title,
                                                who=withdrawer.name if withdrawer else texts.SYSTEM_NAME)
    _, unreachable = _notify(session, post, members, text, now)
    return unreachable


def _notify(session: Session, post: Post, members: list[Staff], text: str, now: datetime) -> tuple[list[str], list[str]]:
    """Queue `text` for those of `members` WeChat can reach now; the names told, and the names
    of the others, who must be told some other way (a notice to them would only fail, 45015)."""
    reachable = reachable_staff(session, post.account_id, [m.id for m in members], now)
    notify_staff(session, account_id=post.account_id, staff_ids=reachable, text=text, now=now)
    return [m.name for m in members if m.id in reachable], [m.name for m in members if m.id not in reachable]


def _notify_author(session: Session, post: Post, text: str, now: datetime) -> str | None:
    """Tell the author; their name if WeChat cannot reach them now."""
    author = session.get(Staff, post.author_id)
    _, unreachable = _notify(session, post, [author], text, now)
    return unreachable[0] if unreachable else None


def _require_reviewer(staff: Staff, post: Post) -> None:
    if staff.role not in REVIEWER_ROLES:
        raise ChatError(texts.REVIEW_NOT_REVIEWER.format(post_id=post.id, role=texts.ROLE_NEEDED.get(staff.role, staff.role)))


def _locked(session: Session, post: Post) -> Post:
    """The post, locked and re-read, so that two reviewers acting at the same moment take turns:
    the second sees the first one's approval (or return) and counts from there. On SQLite the
    transaction already holds the database's write lock (BEGIN IMMEDIATE)."""
    return session.scalars(
        select(Post).where(Post.id == post.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def approvals_of(session: Session, post: Post) -> list[Approval]:
    """The approvals of the post's current submission."""
    if post.submitted_at is None:
        return []
    return list(
        session.scalars(
            select(Approval)
            .where(Approval.post_id == post.id, Approval.submitted_at == post.submitted_at)
            .order_by(Approval.level)
        )
    )


def eligible_reviewers(session: Session, post: Post, settings: Settings) -> list[Staff]:
    reviewers = session.scalars(
        select(Staff).where(
            Staff.account_id == post.account_id,
            Staff.role.in_(REVIEWER_ROLES),
            Staff.active.is_(True),
            Staff.openid.is_not(None),
        )
    )
    return [r for r in reviewers if r.id != post.author_id or settings.allow_self_approval]


def when_text(post: Post, settings: Settings, goes_out_at: datetime | None) -> str:
    """When an approved post goes out, in full 北京时间: its wished time, else the slot the
    plan gives it."""
    if post.scheduled_at is not None:
        return texts.APPROVED_WHEN.format(when=format_beijing(post.scheduled_at, settings.timezone))
    if goes_out_at is not None:
        return texts.APPROVED_NEXT_SLOT.format(when=format_beijing(goes_out_at, settings.timezone))
    return texts.APPROVED_UNPLANNED

