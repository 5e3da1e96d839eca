"""The year's counts: one aggregate over the ledger, read from its index and folded in Python."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from publisher.models import WECHAT_CHANNEL, LedgerEntry
from stats.queries import AGGREGATE, aggregate_params, year_counts, years_counts
from tests.conftest import POSTGRES_URL

YEAR = 2024
CHANNELS = [WECHAT_CHANNEL, "三务公开栏", "广播"]
TOPICS = ["乡村振兴", "平安建设", "民生改善", "法治宣传"]


def ledger_rows(account_id: int, count: int) -> list[dict]:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    rows = []
    for n in range(count):
        day = date(YEAR - 1, 12, 25) + timedelta(days=n % 380)  # a few days either side of the year
        rows.append({"account_id": account_id, "channel": CHANNELS[n % 3], "topic": TOPICS[n % 4],
                     "topic_guessed": n % 5 == 0, "title": f"工作动态{n}", "url": None,
                     "published_at": datetime(day.year, day.month, day.day, 2, tzinfo=UTC), "disclosed_on": day,
                     "source": "manual", "deleted_at": now if n % 7 == 0 else None, "created_by": "test",
                     "created_at": now})
    return rows


def test_year_counts_add_up_the_years_rows_by_channel_topic_and_month(runtime, account):
    rows = ledger_rows(account.id, 2_000)
    with runtime.session_factory.begin() as session:
        session.execute(insert(LedgerEntry), rows)
    in_year = [r for r in rows if r["disclosed_on"].year == YEAR]
    live = [r for r in in_year if r["deleted_at"] is None]
    with runtime.session_factory() as session:
        counts = year_counts(session, account.id, YEAR, CHANNELS)
    assert counts.total == len(live)
    assert counts.by_channel == dict(Counter(r["channel"] for r in live))
    assert counts.by_topic == dict(Counter(r["topic"] for r in live))
    assert counts.wechat_by_topic == dict(Counter(r["topic"] for r in live if r["channel"] == WECHAT_CHANNEL))
    assert counts.by_month == {f"{YEAR}-{m:02d}": sum(1 for r in live if r["disclosed_on"].month == m)
                               for m in range(1, 13)}
    assert counts.deleted == len(in_year) - len(live)
    assert counts.guessed == sum(1 for r in live if r["topic_guessed"])
    assert all(type(n) is int for n in [counts.total, counts.deleted, counts.guessed, *counts.by_month.values()])


def test_the_counts_of_two_years_in_one_statement_are_each_years_own(runtime, account):
    with runtime.session_factory.begin() as session:
        session.execute(insert(LedgerEntry), ledger_rows(account.id, 2_000))
    with runtime.session_factory() as session:
        both = years_counts(session, account.id, range(YEAR - 1, YEAR + 2), CHANNELS, TOPICS)
        alone = {year: year_counts(session, account.id, year, CHANNELS, TOPICS) for year in both}
    assert both == alone
    assert both[YEAR].total > both[YEAR - 1].total > 0  # the rows run a few days into each side
    assert both[YEAR + 1].total > 0


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the plan asked of SQLite; PostgreSQL plans by its statistics")
def test_year_counts_read_the_ledger_index_alone_without_sorting_the_ledger_rows(db_engine):
    # Reading each row through the table and sorting every row to group it took 4 s at a
    # million rows a year; the index, read in its order, gives the day's groups in 0.2 s.
    sql = AGGREGATE.params(aggregate_params(1, YEAR)).compile(db_engine, compile_kwargs={"literal_binds": True})
    with db_engine.connect() as connection:
        plan = [row[3] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    ledger = [step for step in plan if "ledger_entries" in step]
    assert ledger == [step for step in ledger if "USING COVERING INDEX ix_ledger_account_day_counts" in step], plan
    # The one sort left is of the day's groups (at most 366 × channels × topics), after the index.
    assert plan.index(ledger[-1]) < min(i for i, step in enumerate(plan) if "TEMP B-TREE" in step), plan
