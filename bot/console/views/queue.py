"""发布队列 and 日历: the plan the scheduler follows, by slot and by day; moving a post goes
through `actions.schedule` (定时) and withdrawing through `actions.withdraw` (撤回)."""
from __future__ import annotations

import calendar as calendar_module
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask import g, render_template, request, url_for
from sqlalchemy import select

from bot.console import blueprint
from bot.console.web import act, back_to, db, owned, runtime
from publisher.lifecycle import Status
from publisher.models import Post, PublishBundle
from publisher.publishing import actions
from publisher.publishing.outcome import bundle_posts
from publisher.publishing.queue import current_plan
from publisher.publishing.states import ACTIVE_VALUES
from publisher.services.console_users import actor_of
from publisher.texts import console as texts

UPCOMING_SLOTS = 14


def upcoming_slots(now: datetime) -> list[datetime]:
    """The account's next slot times, for the "move to" choice."""
    tz, slots = runtime().settings.timezone, g.account.settings.slots
    today = now.astimezone(tz).date()
    found: list[datetime] = []
    for offset in range(8):
        for slot in slots:
            at = datetime.combine(today + timedelta(days=offset), slot, tzinfo=tz)
            if at > now:
                found.append(at)
    return found[:UPCOMING_SLOTS]


@blueprint.get("/queue")
def queue():
    session, rt = db(), runtime()
    now = rt.clock.now()
    plan, queued = current_plan(session, g.account, rt.settings, now)
    bundles = session.scalars(select(PublishBundle).where(
        PublishBundle.account_id == g.account.id, PublishBundle.status.in_(ACTIVE_VALUES))
        .order_by(PublishBundle.slot_at)).all()
    waiting = session.scalars(select(Post).where(Post.account_id == g.account.id,
                                                 Post.status == Status.SUBMITTED.value)
                              .order_by(Post.submitted_at)).all()
    return render_template("console/queue.html", plan=[(p, [queued[i] for i in p.post_ids]) for p in plan],
                           bundles=[(b, bundle_posts(session, b)) for b in bundles], waiting=waiting,
                           slots=upcoming_slots(now), mode=g.account.settings.mode)


@blueprint.post("/posts/<int:post_id>/schedule")
def post_schedule(post_id: int):
    post = owned(Post, post_id)
    back = back_to(url_for("console.queue"))

    def move() -> str:
        rt = runtime()
        at = _wanted_time(rt.settings.timezone)
        return actions.schedule(db(), post, at, actor=actor_of(g.user), clock=rt.clock, timezone=rt.settings.timezone)

    return act(move, back)


@blueprint.post("/posts/<int:post_id>/withdraw")
def post_withdraw(post_id: int):
    post = owned(Post, post_id)
    rt = runtime()
    return act(lambda: actions.withdraw(db(), post, actor=actor_of(g.user), clock=rt.clock),
               back_to(url_for("console.queue")))


def _wanted_time(tz) -> datetime:
    """A chosen slot (an ISO instant) or a typed 北京时间 date and time (datetime-local)."""
    slot, typed = request.form.get("slot", ""), request.form.get("at", "").strip()
    try:
        at = datetime.fromisoformat(slot or typed)
    except ValueError:
        raise actions.Refused(texts.TIME_INVALID) from None
    # A slot carries its offset; a typed time is 北京时间 (so is anything else without one).
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


@blueprint.get("/calendar")
def calendar():
    session, rt = db(), runtime()
    tz, now = rt.settings.timezone, rt.clock.now()
    today = now.astimezone(tz).date()
    try:
        first = date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    start = datetime.combine(first, time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
    days: dict[date, list[tuple[datetime, Post, str]]] = defaultdict(list)
    plan, queued = current_plan(session, g.account, rt.settings, now)
    for planned in plan:
        if start <= planned.at < end:
            for post_id in planned.post_ids:
                days[planned.at.astimezone(tz).date()].append((planned.at, queued[post_id], "planned"))
    for post in session.scalars(select(Post).where(
            Post.account_id == g.account.id, Post.status.in_((Status.PUBLISHING.value, Status.PUBLISHED.value)))):
        bundle = session.get(PublishBundle, post.bundle_id) if post.bundle_id else None
        at = post.published_at or (bundle.slot_at if bundle else None)
        if at is not None and start <= at < end:
            days[at.astimezone(tz).date()].append((at, post, post.status))
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render_template("console/calendar.html", weeks=weeks, days={d: sorted(v, key=lambda x: x[0])
                                                                        for d, v in days.items()},
                           first=first, today=today, previous=previous, following=following)
