"""Slot planning: pure, so checked over many generated queues."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.core.planning import MAX_ARTICLES, AccountPlan, QueuedPost, make_plan

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 3, 1, 10, 0, tzinfo=BEIJING)
SLOTS = (time(12, 0), time(18, 0))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=BEIJING)


def post(id: int, *, priority: int = 0, approved: int = 0, wished: datetime | None = None) -> QueuedPost:
    return QueuedPost(id, priority, NOW - timedelta(minutes=100 - approved), wished)


def plan_of(posts, **options):
    return make_plan(posts, AccountPlan(slots=SLOTS, timezone=BEIJING, **options), NOW)


def test_unscheduled_posts_fill_the_next_slot_then_the_one_after():
    bundles = plan_of([post(i, approved=i) for i in range(1, 11)])
    assert [(b.at, b.post_ids) for b in bundles] == [
        (at(1, 12), (1, 2, 3, 4, 5, 6, 7, 8)),
        (at(1, 18), (9, 10)),
    ]


def test_bundle_is_ordered_by_priority_then_approval_time():
    bundles = plan_of([post(1, approved=1), post(2, approved=2, priority=9), post(3, approved=0)])
    assert bundles[0].post_ids == (2, 3, 1)


def test_wished_time_is_kept_even_between_slots():
    bundles = plan_of([post(1, wished=at(1, 15, 30)), post(2)])
    assert [(b.at, b.post_ids) for b in bundles] == [(at(1, 12), (2,)), (at(1, 15, 30), (1,))]


def test_wished_time_in_the_past_is_due_now():
    assert plan_of([post(1, wished=at(1, 7))])[0].at == NOW


def test_post_wishing_a_slot_time_shares_that_slot_with_unscheduled_posts():
    bundles = plan_of([post(1, wished=at(1, 12)), post(2)])
    assert [(b.at, sorted(b.post_ids)) for b in bundles] == [(at(1, 12), [1, 2])]


def test_mass_subscription_account_rolls_the_second_send_of_a_day_to_the_next_morning():
    bundles = plan_of([post(1, wished=at(1, 12)), post(2, wished=at(1, 18))], mode="mass")
    assert [(b.at, b.post_ids, b.rolled_ids) for b in bundles] == [
        (at(1, 12), (1,), ()),
        (at(2, 12), (2,), (2,)),
    ]


def test_mass_send_already_made_today_moves_everything_to_tomorrow():
    bundles = plan_of([post(1)], mode="mass", sends_used={"2024-03-01": 1})
    assert [(b.at, b.post_ids) for b in bundles] == [(at(2, 12), (1,))]


def test_service_account_may_mass_send_four_times_a_month():
    bundles = plan_of([post(1)], mode="mass", account_type="service", sends_used={"2024-03": 4})
    assert bundles[0].at == datetime(2024, 4, 1, 12, 0, tzinfo=BEIJING)


def test_blocked_day_is_skipped_in_any_mode():
    bundles = plan_of([post(1), post(2, wished=at(1, 15))], blocked_days=frozenset({date(2024, 3, 1)}))
    assert [(b.at, b.post_ids) for b in bundles] == [(at(2, 12), (1, 2))]


def test_slot_times_are_beijing_time_not_utc():
    bundles = plan_of([post(1)])
    assert bundles[0].at.astimezone(UTC) == datetime(2024, 3, 1, 4, 0, tzinfo=UTC)


queued_posts = st.lists(
    st.builds(
        lambda i, priority, approved, wished_minutes: (i, priority, approved, wished_minutes),
        st.integers(), st.integers(0, 3), st.integers(0, 99),
        st.one_of(st.none(), st.integers(-600, 5 * 24 * 60)),
    ),
    max_size=40,
).map(lambda rows: [
    post(n, priority=p, approved=a, wished=None if w is None else NOW + timedelta(minutes=w))
    for n, (_, p, a, w) in enumerate(rows, start=1)
])


@settings(max_examples=150, deadline=None)
@given(posts=queued_posts, mode=st.sampled_from(["freepublish", "mass"]))
def test_every_post_is_planned_once_never_early_in_bundles_of_at_most_eight(posts, mode):
    bundles = make_plan(posts, AccountPlan(slots=SLOTS, timezone=BEIJING, mode=mode), NOW)
    planned = Counter(i for b in bundles for i in b.post_ids)
    assert planned == Counter(p.id for p in posts)
    by_id = {p.id: p for p in posts}
    times = [b.at for b in bundles]
    assert times == sorted(times)
    for bundle in bundles:
        assert 1 <= len(bundle.post_ids) <= MAX_ARTICLES
        assert bundle.at >= NOW
        order = [(-by_id[i].priority, by_id[i].approved_at, i) for i in bundle.post_ids]
        assert order == sorted(order)
        for i in bundle.post_ids:
            wished = by_id[i].scheduled_at
            assert wished is None or bundle.at >= wished
            if wished is None:
                assert bundle.at.astimezone(BEIJING).time() in SLOTS
    if mode == "mass":
        days = Counter(b.at.astimezone(BEIJING).date() for b in bundles)
        assert max(days.values(), default=0) <= 1


def test_slot_that_passed_seconds_before_the_tick_still_takes_the_posts_queued_before_it():
    tick = at(1, 12) + timedelta(seconds=17)
    posts = [post(1), QueuedPost(2, 0, at(1, 11, 59))]
    bundles = make_plan(posts, AccountPlan(slots=SLOTS, timezone=BEIJING), tick)
    assert [(b.at, b.post_ids) for b in bundles] == [(tick, (1, 2))]


def test_post_queued_after_the_last_slot_waits_for_the_next_one():
    tick = at(1, 12, 10)
    bundles = make_plan([QueuedPost(1, 0, at(1, 12, 5))], AccountPlan(slots=SLOTS, timezone=BEIJING), tick)
    assert [(b.at, b.post_ids) for b in bundles] == [(at(1, 18), (1,))]


def test_slots_missed_while_the_scheduler_was_down_go_out_at_once_as_one_bundle_of_eight():
    tick = at(2, 9)  # down from 3月1日 11:00: the 12:00 and 18:00 slots were missed
    posts = [post(i, approved=i) for i in range(1, 11)]
    bundles = make_plan(posts, AccountPlan(slots=SLOTS, timezone=BEIJING, mode="mass"), tick)
    assert [(b.at, b.post_ids) for b in bundles] == [(tick, (1, 2, 3, 4, 5, 6, 7, 8)), (at(3, 12), (9, 10))]


def test_post_moved_by_a_blocked_day_is_told_apart_from_one_moved_by_the_mass_quota():
    bundles = plan_of([post(1, wished=at(1, 15))], blocked_days=frozenset({date(2024, 3, 1)}))
    assert [(b.at, b.rolled_ids, b.blocked_ids) for b in bundles] == [(at(2, 12), (1,), (1,))]
