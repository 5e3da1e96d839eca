"""Slot planning (SPEC §6): which queued posts go out when, as which bundle.

Pure: plain values in, plain values out; no database, no clock. The tick turns the part
of the plan that is due into bundles, and `队列` shows the whole plan, so both always agree.

Rules:
- a post with a wished time goes out at that time (now, if the time has passed);
- a post without one takes the next slot with room; a slot that passed since the post was
  queued (the tick rarely lands on the slot's very second, and the scheduler may have been
  down) is owed to it at once;
- posts due at the same moment form one bundle of at most 8, ordered by priority (higher
  first), then approval time; the rest move on to the next slot;
- in mass mode the account's quota (one send per 北京时间 day for a subscription account,
  four per month for a service account) is respected: a bundle that would exceed it rolls
  to the next day's first slot, and its posts are reported as rolled;
- on a blocked day (the platform said 45009 or the mass quota is used up) nothing goes out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_ARTICLES = 8
MASS_ALLOWANCE = {"subscription": ("day", 1), "service": ("month", 4)}
# Planning never looks further ahead than this; a queue that long is a configuration error.
HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class QueuedPost:
    id: int
    priority: int
    approved_at: datetime
    scheduled_at: datetime | None = None


@dataclass(frozen=True)
class PlannedBundle:
    at: datetime
    post_ids: tuple[int, ...]
    # Posts that wanted an earlier time and were moved here by the mass-send quota or by a
    # blocked day; `blocked_ids` are those a blocked day (45009) moved.
    rolled_ids: tuple[int, ...] = ()
    blocked_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class AccountPlan:
    slots: tuple[time, ...]
    timezone: ZoneInfo
    mode: str = "freepublish"
    account_type: str = "subscription"
    # Mass sends already made, by quota period ("2024-01-01" for a day, "2024-01" for a month).
    sends_used: dict[str, int] = field(default_factory=dict)
    blocked_days: frozenset[date] = frozenset()


def quota_period(at: datetime, tz: ZoneInfo, account_type: str) -> str:
    unit, _ = MASS_ALLOWANCE[account_type]
    local = at.astimezone(tz)
    return local.date().isoformat() if unit == "day" else local.strftime("%Y-%m")


def _order(post: QueuedPost) -> tuple:
    return (-post.priority, post.approved_at, post.id)


def _slot_times(plan: AccountPlan, after: datetime, until: datetime):
    """Slot moments (UTC-aware) at or after `after`, in order."""
    tz = plan.timezone
    day = after.astimezone(tz).date()
    while True:
        for slot in plan.slots:
            moment = datetime.combine(day, slot, tz)
            if moment > until:
                return
            if moment >= after:
                yield moment
        day += timedelta(days=1)


def _last_slot_before(plan: AccountPlan, now: datetime) -> datetime:
    today = now.astimezone(plan.timezone).date()
    moments = [datetime.combine(day, slot, plan.timezone)
               for day in (today - timedelta(days=1), today) for slot in plan.slots]
    return max(m for m in moments if m < now)


def next_day_first_slot(at: datetime, plan: AccountPlan) -> datetime:
    day = at.astimezone(plan.timezone).date() + timedelta(days=1)
    return datetime.combine(day, plan.slots[0], plan.timezone)


def make_plan(posts: list[QueuedPost], plan: AccountPlan, now: datetime) -> list[PlannedBundle]:
    """The bundles, in time order, that the queued `posts` will go out as."""
    if not plan.slots:
        raise ValueError("an account needs at least one publish slot")
    # Fixed posts wait at a moment: their wished time, or a moment they were moved to.
    waiting: dict[datetime, list[QueuedPost]] = {}
    rolled: set[int] = set()
    blocked: set[int] = set()
    for post in posts:
        if post.scheduled_at is not None:
            waiting.setdefault(max(post.scheduled_at, now), []).append(post)
    free = sorted((p for p in posts if p.scheduled_at is None), key=_order)
    used = dict(plan.sends_used)
    _, allowance = MASS_ALLOWANCE[plan.account_type]
    until = now + HORIZON
    slots = _slot_times(plan, now, until)
    next_slot = next(slots, None)
    # The slot that passed last is still owed, now, to the free posts queued before it.
    missed = _last_slot_before(plan, now)
    catch_up = now if next_slot != now and any(p.approved_at <= missed for p in free) else None
    bundles: list[PlannedBundle] = []

    def wait_at(moment: datetime, members: list[QueuedPost]) -> None:
        waiting.setdefault(moment, []).extend(members)

    while waiting or (free and (next_slot is not None or catch_up is not None)):
        moment = min([*waiting, *(s for s in (next_slot, catch_up) if s is not None)])
        is_slot = moment == next_slot
        owed = moment == catch_up
        members = sorted(waiting.pop(moment, []), key=_order)
        if is_slot:
            next_slot = next(slots, None)
        if owed:
            catch_up = None
        if moment > until:
            break
        local_day = moment.astimezone(plan.timezone).date()
        period = quota_period(moment, plan.timezone, plan.account_type)
        is_blocked = local_day in plan.blocked_days
        full = is_blocked or (plan.mode == "mass" and used.get(period, 0) >= allowance)
        if full:
            # Fixed posts move to the next day's first slot; free ones simply wait for a slot.
            if members:
                rolled.update(p.id for p in members)
                if is_blocked:
                    blocked.update(p.id for p in members)
                wait_at(next_day_first_slot(moment, plan), members)
            continue
        if is_slot:
            room = MAX_ARTICLES - len(members)
            members, free = members + free[:max(room, 0)], free[max(room, 0):]
            members.sort(key=_order)
        elif owed:
            room = max(MAX_ARTICLES - len(members), 0)
            overdue = [p for p in free if p.approved_at <= missed][:room]
            taken = {p.id for p in overdue}
            free = [p for p in free if p.id not in taken]
            members = sorted(members + overdue, key=_order)
        if not members:
            continue
        going, staying = members[:MAX_ARTICLES], members[MAX_ARTICLES:]
        if staying:
            following = next_slot if next_slot is not None else next_day_first_slot(moment, plan)
            wait_at(following, staying)
        bundles.append(
            PlannedBundle(
                at=moment,
                post_ids=tuple(p.id for p in going),
                rolled_ids=tuple(p.id for p in going if p.id in rolled),
                blocked_ids=tuple(p.id for p in going if p.id in blocked),
            )
        )
        if plan.mode == "mass":
            used[period] = used.get(period, 0) + 1
    return bundles


def due_bundles(bundles: list[PlannedBundle], now: datetime) -> list[PlannedBundle]:
    return [b for b in bundles if b.at <= now]
