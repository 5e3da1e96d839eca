"""The ledger queries of the report and of 统计: one aggregate per year, folded in Python.

A year is the range of `disclosed_on` (the 北京时间 day, stored at write time), so the count
uses the (account_id, disclosed_on) index and never converts a timestamp per row. Deleted
articles stay in the ledger but are not counted as disclosed; they are counted apart.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, Row, and_, bindparam, case, cast, extract, func, select
from sqlalchemy.orm import Session

from publisher.db import reading_connection
from publisher.models import WECHAT_CHANNEL, LedgerEntry


@dataclass(frozen=True)
class YearCounts:
    year: int
    total: int
    by_channel: dict[str, int]  # in the configured channel order, only channels with items
    by_topic: dict[str, int]  # by count, descending; ties by name, so the order never wobbles
    by_month: dict[str, int]  # "YYYY-MM" → count, all twelve months
    wechat_by_topic: dict[str, int]
    deleted: int = 0
    guessed: int = 0
    channel_order: tuple[str, ...] = field(default=(), repr=False)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def _aggregate():
    """Counts by year, month, channel and topic. The inner grouping (by day, channel and topic)
    follows the ledger's (account_id, disclosed_on, channel, topic, topic_guessed, deleted_at)
    index, so the database reads the index alone, in order, and sorts no row of the ledger:
    only the inner groups (at most 366 × channels × topics a year) are regrouped by month. At
    a million rows a year that is 0.2 s on SQLite, where grouping the rows by channel and
    topic and again by month (two sorts of every row, read through the table) took 4 s."""
    live = LedgerEntry.deleted_at.is_(None)
    by_day = (
        select(LedgerEntry.disclosed_on.label("day"), LedgerEntry.channel, LedgerEntry.topic,
               func.count().label("every"), func.sum(case((live, 1), else_=0)).label("live"),
               func.sum(case((and_(live, LedgerEntry.topic_guessed), 1), else_=0)).label("guessed"))
        .where(LedgerEntry.account_id == bindparam("account_id"),
               LedgerEntry.disclosed_on >= bindparam("start"), LedgerEntry.disclosed_on < bindparam("end"))
        .group_by(LedgerEntry.disclosed_on, LedgerEntry.channel, LedgerEntry.topic)
        .subquery()
    )
    # The year and month of each day's group, not of each row: a third less time on SQLite.
    # PostgreSQL sums bigints as numeric and extracts numerics: the casts keep them Python ints.
    year, month = (cast(extract(part, by_day.c.day), Integer) for part in ("year", "month"))
    return (
        select(year, month, by_day.c.channel, by_day.c.topic,
               *(cast(func.sum(column), Integer) for column in (by_day.c.every, by_day.c.live, by_day.c.guessed)))
        .group_by(year, month, by_day.c.channel, by_day.c.topic)
    )


# Built once: constructing a statement costs more Python than running it on a year's rows.
AGGREGATE = _aggregate()


def aggregate_params(account_id: int, first_year: int, last_year: int | None = None) -> dict:
    """The one aggregate the report needs, over one year or several in a row."""
    start, _ = year_range(first_year)
    _, end = year_range(first_year if last_year is None else last_year)
    return {"account_id": account_id, "start": start, "end": end}


def year_counts(session: Session, account_id: int, year: int, channel_order: list[str],
                topic_order: Sequence[str] = ()) -> YearCounts:
    """The year's counts; topics by count, equal counts in `topic_order` (the account's topics
    as config/topics.toml lists them), then by name."""
    return years_counts(session, account_id, range(year, year + 1), channel_order, topic_order)[year]


def years_counts(session: Session, account_id: int, years: range, channel_order: list[str],
                 topic_order: Sequence[str] = ()) -> dict[int, YearCounts]:
    """The counts of each of consecutive `years` in one statement (the report compares its
    year with the one before): a year without an entry has all its counts zero."""
    folds = {year: _YearFold() for year in years}
    # A Core round trip: the ORM's row handling would cost more than the query itself.
    for row in session.connection().execute(AGGREGATE, aggregate_params(account_id, years[0], years[-1])):
        folds[row[0]].add(*row[1:])
    channel_rank = {name: i for i, name in enumerate(channel_order)}
    topic_rank = {name: i for i, name in enumerate(topic_order)}
    return {year: fold.counts(year, channel_order, channel_rank, topic_rank) for year, fold in folds.items()}


class _YearFold:
    """One year's aggregate rows, added up by channel, topic and month."""

    def __init__(self) -> None:
        self.by_channel: Counter[str] = Counter()
        self.by_topic: Counter[str] = Counter()
        self.by_month: Counter[int] = Counter()
        self.wechat_by_topic: Counter[str] = Counter()
        self.deleted = self.guessed = 0

    def add(self, month: int, channel: str, topic: str, every: int, live: int, guessed: int) -> None:
        self.deleted += every - live
        self.guessed += guessed
        if live:
            self.by_month[month] += live
            self.by_channel[channel] += live
            self.by_topic[topic] += live
            if channel == WECHAT_CHANNEL:
                self.wechat_by_topic[topic] += live

    def counts(self, year: int, channel_order: list[str], channel_rank: Mapping[str, int],
               topic_rank: Mapping[str, int]) -> YearCounts:
        return YearCounts(
            year=year,
            total=sum(self.by_channel.values()),
            by_channel=dict(sorted(self.by_channel.items(),
                                   key=lambda kv: (channel_rank.get(kv[0], len(channel_rank)), kv[0]))),
            by_topic=_by_count(self.by_topic, topic_rank),
            by_month={f"{year}-{m:02d}": self.by_month.get(m, 0) for m in range(1, 13)},
            wechat_by_topic=_by_count(self.wechat_by_topic, topic_rank),
            deleted=self.deleted,
            guessed=self.guessed,
            channel_order=tuple(channel_order),
        )


# The XLSX ledger sheet's columns, in its order; whether a row is deleted is all it shows.
ENTRY_COLUMNS = (LedgerEntry.disclosed_on, LedgerEntry.channel, LedgerEntry.topic, LedgerEntry.title,
                 LedgerEntry.url, LedgerEntry.source, LedgerEntry.topic_guessed,
                 LedgerEntry.deleted_at.is_not(None).label("deleted"))
ENTRY_BATCH = 500  # rows held at once: a few hundred kB whatever the ledger's size


@dataclass(frozen=True)
class YearEntries:
    """The ledger rows of a year, deleted ones included (flagged): the XLSX lists them all.

    Iterating runs the query and yields plain Core rows (the columns of `ENTRY_COLUMNS`) a
    batch at a time, so a million-row year is never in memory at once, and no ORM object is
    built for a row that is only written out. It reads on a connection of its own, opened
    for the iteration and closed when it ends (or is abandoned), so a report rendered after
    its session has closed leaves no transaction open behind it (one would hold PostgreSQL's
    locks for as long as the process lives).
    """
    session: Session
    account_id: int
    year: int

    def __iter__(self) -> Iterator[Row]:
        start, end = year_range(self.year)
        statement = (
            select(*ENTRY_COLUMNS)
            .where(LedgerEntry.account_id == self.account_id,
                   LedgerEntry.disclosed_on >= start, LedgerEntry.disclosed_on < end)
            .order_by(LedgerEntry.published_at, LedgerEntry.id)
        )
        # yield_per streams the cursor (a server-side cursor on PostgreSQL) in batches.
        with reading_connection(self.session.get_bind()) as connection:
            yield from connection.execute(statement.execution_options(yield_per=ENTRY_BATCH))


def year_entries(session: Session, account_id: int, year: int) -> YearEntries:
    return YearEntries(session, account_id, year)


def _by_count(counter: Counter[str], rank: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank)), kv[0])))
