"""The daily reach pull against the sandbox over HTTP, through the real wechatpy client."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from publisher.models import LedgerEntry, PublishBundle, ReachFigure, ReachPull
from publisher.sandbox.datacube import _figures
from publisher.services.reach import latest_day, pull, pull_every_account, windows
from tests.conftest import BEIJING
from tests.publishing_support import (
    at_morning,
    both_clocks_at,
    no_wait,
    published_mass_post,
    queue_post,
    run_until_settled,
    the_sandbox_day,
)


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


def test_the_daily_pull_pauses_between_its_calls_as_the_settings_say(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    runtime.settings = runtime.settings.with_overrides(reach_pause_seconds=0.125)
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, datetime.combine(sent + timedelta(days=1), datetime.min.time(),
                                                           BEIJING).replace(hour=8, minute=30))
    pauses = []
    result = pull_every_account(runtime, sleep=pauses.append)
    assert result.calls > 1 and pauses == [0.125] * (result.calls - 1)


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



def account_id_of(runtime) -> int:
    from publisher.services.accounts import account_by_name

    with runtime.session_factory() as session:
        return account_by_name(session, "default").id


def test_a_backfill_of_forty_days_is_split_into_calls_within_each_endpoints_span(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=40)))
    pauses, progress = [], []

    result = pull(runtime.session_factory, runtime.gateway("default"), account_id=account_id_of(runtime),
                  since=sent, clock=clock, timezone=BEIJING, pause=0.25, sleep=pauses.append,
                  progress=lambda done, total: progress.append((done, total)))

    queries = sandbox_server.state()["datacube_queries"]
    spans = {"getarticlesummary": 1, "getarticletotal": 1, "getuserread": 3, "getusershare": 7}
    for endpoint, span in spans.items():
        asked = [(date.fromisoformat(q["begin_date"]), date.fromisoformat(q["end_date"]))
                 for q in queries if q["endpoint"] == endpoint]
        assert all((end - begin).days + 1 <= span for begin, end in asked)
        covered = sorted(begin + timedelta(days=n) for begin, end in asked for n in range((end - begin).days + 1))
        assert covered == [sent + timedelta(days=n) for n in range(40)]
    assert result.calls == len(queries) == 40 + 40 + 14 + 6
    assert pauses == [0.25] * (result.calls - 1)  # a pause between calls, none before the first
    assert progress[-1] == (result.calls, result.calls) and result.failed == []


def test_an_article_under_three_interactions_is_absent_and_not_an_error(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    faded = sent + timedelta(days=39)  # read so little by then that WeChat lists no row
    both_clocks_at(sandbox_server, clock, at_morning(faded + timedelta(days=1)))

    result = pull(runtime.session_factory, runtime.gateway("default"), account_id=account_id_of(runtime),
                  since=faded, clock=clock, timezone=BEIJING, sleep=no_wait)

    with runtime.session_factory() as session:
        rows = session.scalar(select(func.count()).select_from(ReachFigure).where(
            ReachFigure.endpoint == "summary", ReachFigure.day == faded))
    assert rows == 0 and result.failed == []


def test_an_errcode_is_logged_stores_nothing_of_that_call_and_the_day_is_asked_again(
        make_runtime, sandbox_server, clock, caplog):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1)))
    sandbox_server.fault(path="datacube/getarticlesummary", errcode=61501, times=1)
    account_id = account_id_of(runtime)

    first = pull(runtime.session_factory, runtime.gateway("default"), account_id=account_id, since=sent,
                 clock=clock, timezone=BEIJING, sleep=no_wait)

    assert first.failed == [("summary", sent, 61501)]
    assert "errcode 61501" in caplog.text
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ReachFigure).where(ReachFigure.endpoint == "summary")) == 0
        assert session.scalar(select(func.count()).select_from(ReachPull).where(ReachPull.endpoint == "summary")) == 0
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=2)))
    pull_every_account(runtime, sleep=no_wait)
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ReachFigure).where(
            ReachFigure.endpoint == "summary", ReachFigure.day == sent)) == 1


def test_a_token_failure_stops_the_pull_for_the_day(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=5)))
    sandbox_server.fault(path="datacube/getarticlesummary", errcode=40164, times=1)

    result = pull(runtime.session_factory, runtime.gateway("default"), account_id=account_id_of(runtime),
                  since=sent, clock=clock, timezone=BEIJING, sleep=no_wait)

    assert result.calls == 1 and result.stopped_by == 40164


def test_freepublish_articles_get_no_per_article_rows_but_count_in_the_account_totals(
        make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    day = the_sandbox_day(sandbox_server)
    queue_post(runtime, "发布的文章", scheduled_at=day.replace(hour=12))
    both_clocks_at(sandbox_server, clock, day.replace(hour=12))
    run_until_settled(runtime, clock)
    both_clocks_at(sandbox_server, clock, at_morning(day.date() + timedelta(days=1)))

    pull_every_account(runtime, sleep=no_wait)

    with runtime.session_factory() as session:
        endpoints = set(session.scalars(select(ReachFigure.endpoint)))
    assert "userread" in endpoints and endpoints <= {"userread", "usershare"}


def test_an_article_govpost_never_sent_is_kept_under_the_account_unmatched(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    with runtime.session_factory.begin() as session:
        session.query(PublishBundle).update({"msg_data_id": "somebody-else"})
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1)))

    result = pull(runtime.session_factory, runtime.gateway("default"), account_id=account_id_of(runtime),
                  since=sent, clock=clock, timezone=BEIJING, sleep=no_wait)

    with runtime.session_factory() as session:
        (row,) = session.scalars(select(ReachFigure).where(ReachFigure.endpoint == "summary")).all()
    assert row.ledger_entry_id is None and row.reads > 0 and result.unmatched >= 1


def test_the_daily_pull_is_a_scheduler_job_at_half_past_eight_beijing_time(runtime):
    from apscheduler.schedulers.background import BackgroundScheduler

    from publisher.background.scheduler import configure

    scheduler = configure(BackgroundScheduler(timezone=runtime.settings.timezone), runtime, interval=15)
    job = scheduler.get_job("reach-pull")
    midnight = datetime(2024, 3, 1, 0, 0, tzinfo=BEIJING)
    assert job.trigger.get_next_fire_time(None, midnight) == midnight.replace(hour=8, minute=30)
    assert job.misfire_grace_time >= 24 * 3600  # a worker down at 08:30 still pulls when it is back


def test_the_daily_pull_runs_once_a_day_whichever_workers_schedule_it(make_runtime, sandbox_server, clock):
    from publisher.background.scheduler import pull_reach_once_a_day

    runtime = make_runtime()
    assert pull_reach_once_a_day(runtime, "host:1", sleep=no_wait).calls > 0
    assert pull_reach_once_a_day(runtime, "host:2", sleep=no_wait) is None  # the same 北京时间 day: taken
    clock.advance(days=1)
    assert pull_reach_once_a_day(runtime, "host:2", sleep=no_wait).calls > 0
