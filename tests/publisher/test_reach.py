"""The daily reach pull against the sandbox over HTTP, through the real wechatpy client."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from publisher.models import LedgerEntry, PublishBundle, ReachFigure, ReachPull
from publisher.reach import latest_day, pull, pull_every_account, windows
from publisher.sandbox.clock import beijing
from publisher.sandbox.datacube import _figures
from tests.conftest import BEIJING
from tests.publishing_support import queue_post, run_until_settled


def no_wait(_seconds: float) -> None:
    """The pause between calls, recorded by the backfill test, skipped elsewhere."""


def both_clocks_at(sandbox_server, clock, when: datetime) -> None:
    """govpost's clock and the sandbox's (which only moves forward) on the same moment."""
    sandbox_now = beijing(sandbox_server.state()["clock"]["now"])
    sandbox_server.advance(max(0.0, (when - sandbox_now).total_seconds()))
    clock.set(when)


def the_sandbox_day(sandbox_server) -> datetime:
    now = beijing(sandbox_server.state()["clock"]["now"])
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), BEIJING)


def published_mass_post(runtime, sandbox_server, clock, title: str = "合作社分红大会召开") -> tuple[int, date]:
    """A post mass-sent at 12:00 of a day that is still the future for the sandbox."""
    day = the_sandbox_day(sandbox_server)
    post = queue_post(runtime, title, scheduled_at=day.replace(hour=12))
    both_clocks_at(sandbox_server, clock, day.replace(hour=12))
    run_until_settled(runtime, clock)
    return post, day.date()


def test_the_daily_pull_run_twice_stores_the_exact_figures_once(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, datetime.combine(sent + timedelta(days=1), datetime.min.time(),
                                                           BEIJING).replace(hour=8, minute=30))
    first = pull_every_account(runtime, sleep=no_wait)
    second = pull_every_account(runtime, sleep=no_wait)

    with runtime.session_factory() as session:
        bundle = session.scalar(select(PublishBundle))
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == post))
        summary = session.scalars(select(ReachFigure).where(ReachFigure.endpoint == "summary")).all()
        count = session.scalar(select(func.count()).select_from(ReachFigure))
    expected = _figures(f"{bundle.msg_data_id}_1", 0)
    assert [(r.day, r.msgid, r.ledger_entry_id, r.reads, r.read_users, r.shares, r.share_users, r.favourites)
            for r in summary] == [(sent, f"{bundle.msg_data_id}_1", entry.id, expected["int_page_read_count"],
                                   expected["int_page_read_user"], expected["share_count"], expected["share_user"],
                                   expected["add_to_fav_count"])]
    assert first.stored == count and second.stored == 0
    assert first.failed == [] and second.failed == []


def test_nothing_is_asked_for_before_eight_the_next_morning(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, datetime.combine(sent + timedelta(days=1), datetime.min.time(),
                                                           BEIJING).replace(hour=7, minute=59))
    assert latest_day(clock.now(), BEIJING) == sent - timedelta(days=1)
    pull_every_account(runtime, sleep=no_wait)
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ReachFigure).where(ReachFigure.day == sent)) == 0


def test_windows_never_pass_the_span():
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(8)] + [date(2024, 1, 20)]
    assert list(windows(days, 3)) == [(date(2024, 1, 1), date(2024, 1, 3)), (date(2024, 1, 4), date(2024, 1, 6)),
                                      (date(2024, 1, 7), date(2024, 1, 8)), (date(2024, 1, 20), date(2024, 1, 20))]

