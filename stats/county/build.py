"""The county's year, as plain values: one row per account, built from that account's own
annual report (stats.report.build_report), so the roll-up cannot count differently from the
reports it sums; the totals are the sums of those rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.models import WECHAT_CHANNEL, LedgerEntry
from publisher.services.accounts import AccountContext
from publisher.settings import Settings
from stats.report.build import build_report
from stats.report.consistency import violations


@dataclass(frozen=True)
class TownshipRow:
    account_name: str
    display_name: str
    total: int
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    last_wechat_article_at: datetime | None
    days_since_last_article: int | None  # None: no WeChat article ever
    findings: list[str]  # the report's consistency (勾稽关系) findings


@dataclass(frozen=True)
class CountyRollup:
    year: int
    channels: list[str]  # the columns, in the configured order, then any others found
    topics: list[str]
    rows: list[TownshipRow]
    total: int
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    stale_after_days: int  # the 14-day rule (alerts.stale_days_urgent)

    @property
    def stale_rows(self) -> list[TownshipRow]:
        return [r for r in self.rows if r.days_since_last_article is None
                or r.days_since_last_article >= self.stale_after_days]


def build_county_rollup(session: Session, accounts: list[AccountContext], year: int, *, settings: Settings,
                        now: datetime, stale_after_days: int) -> CountyRollup:
    rows = []
    for account in accounts:
        report = build_report(session, account, year, settings=settings)
        last = session.scalar(select(func.max(LedgerEntry.published_at)).where(
            LedgerEntry.account_id == account.id, LedgerEntry.channel == WECHAT_CHANNEL,
            LedgerEntry.deleted_at.is_(None)))
        rows.append(TownshipRow(
            account_name=account.name,
            display_name=account.display_name,
            total=report.proactive.total,
            by_channel=dict(report.proactive.by_channel),
            by_topic=dict(report.proactive.by_topic),
            last_wechat_article_at=last,
            days_since_last_article=None if last is None else (now - last).days,
            findings=violations(report.checks),
        ))
    by_channel, by_topic = Counter(), Counter()
    for row in rows:
        by_channel.update(row.by_channel)
        by_topic.update(row.by_topic)
    configured = [c.name for c in settings.channels]
    channels = [c for c in configured if c in by_channel] + sorted(c for c in by_channel if c not in configured)
    topics = sorted(by_topic, key=lambda t: (-by_topic[t], t))
    return CountyRollup(
        year=year, channels=channels, topics=topics, rows=rows, total=sum(r.total for r in rows),
        by_channel={c: by_channel[c] for c in channels}, by_topic={t: by_topic[t] for t in topics},
        stale_after_days=stale_after_days,
    )
