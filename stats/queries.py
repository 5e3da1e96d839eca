"""The ledger queries of the report and of 统计: one aggregate per year, folded in Python.

A year is the range of `disclosed_on` (the 北京时间 day, stored at write time), so the count
uses the (account_id, disclosed_on) index and never converts a timestamp per row. Deleted
articles stay in the ledger but are not counted as disclosed; they are counted apart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from publisher.models import WECHAT_CHANNEL, LedgerEntry, Topic


@dataclass(frozen=True)
class YearCounts:
    year: int
    total: int
    by_channel: dict[str, int]  # in the configured channel order, only channels with items
    by_topic: dict[str, int]  # by count, descending; ties in the topics' configured order
    by_month: dict[str, int]  # "YYYY-MM" → count, all twelve months
    wechat_by_topic: dict[str, int]
    deleted: int = 0
    guessed: int = 0
    channel_order: tuple[str, ...] = field(default=(), repr=False)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def aggregate_statement(account_id: int, year: int):
    """The one aggregate the report needs: counts by channel, topic, month, deleted, guessed."""
    start, end = year_range(year)
    month = extract("month", LedgerEntry.disclosed_on).label("month")
    deleted = (LedgerEntry.deleted_at.is_not(None)).label("deleted")
    return (
        select(LedgerEntry.channel, LedgerEntry.topic, month, deleted, LedgerEntry.topic_guessed, func.count())
        .where(LedgerEntry.account_id == account_id, LedgerEntry.disclosed_on >= start, LedgerEntry.disclosed_on < end)
        .group_by(LedgerEntry.channel, LedgerEntry.topic, month, deleted, LedgerEntry.topic_guessed)
    )


def year_counts(session: Session, account_id: int, year: int, channel_order: list[str]) -> YearCounts:
    by_channel: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    by_month: Counter[int] = Counter()
    wechat_by_topic: Counter[str] = Counter()
    deleted_count = guessed_count = 0
    for channel, topic, month, deleted, guessed, count in session.execute(aggregate_statement(account_id, year)):
        if deleted:
            deleted_count += count
            continue
        by_channel[channel] += count
        by_topic[topic] += count
        by_month[int(month)] += count
        if channel == WECHAT_CHANNEL:
            wechat_by_topic[topic] += count
        if guessed:
            guessed_count += count
    topic_rank = {name: i for i, name in enumerate(topic_positions(session, account_id))}
    channel_rank = {name: i for i, name in enumerate(channel_order)}
    return YearCounts(
        year=year,
        total=sum(by_channel.values()),
        by_channel=dict(sorted(by_channel.items(), key=lambda kv: (channel_rank.get(kv[0], len(channel_rank)), kv[0]))),
        by_topic=_by_count(by_topic, topic_rank),
        by_month={f"{year}-{m:02d}": by_month.get(m, 0) for m in range(1, 13)},
        wechat_by_topic=_by_count(wechat_by_topic, topic_rank),
        deleted=deleted_count,
        guessed=guessed_count,
        channel_order=tuple(channel_order),
    )


def topic_positions(session: Session, account_id: int) -> list[str]:
    return list(session.scalars(select(Topic.name).where(Topic.account_id == account_id).order_by(Topic.position)))


def year_entries(session: Session, account_id: int, year: int) -> list[LedgerEntry]:
    """The ledger rows of a year, deleted ones included (flagged): the XLSX lists them all."""
    start, end = year_range(year)
    return list(session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.account_id == account_id, LedgerEntry.disclosed_on >= start, LedgerEntry.disclosed_on < end)
        .order_by(LedgerEntry.published_at, LedgerEntry.id)
    ))


def _by_count(counter: Counter[str], rank: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank)), kv[0])))
