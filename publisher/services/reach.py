"""Reach (SPEC §7a): reads and shares pulled from WeChat's data API into `reach_figures`.

Every day after 08:30 北京时间 the scheduler pulls the past week for each account; days an
endpoint has answered in full are marked in `reach_pulls` and not asked again, so a day
that failed (an errcode, an empty answer, a token failure) is simply asked again by the
next day's pull, and `govpost reach pull --since` fills in older days the same way. Each
call's rows and marks are committed together: nothing is half-written.

WeChat's rules (see `publisher.wechat.datacube` for where they are documented): figures of
a day exist from 08:00 the next day, never of today; an article with fewer than three
interactions is not listed (not an error: it has no row); each endpoint takes at most 1, 1,
3 or 7 days per call. Mass-sent (群发) articles have per-article figures, matched to the
ledger by msgid (msg_data_id and index); freepublish (发布) articles have none, only the
account's daily totals count them.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from publisher.core.clock import Clock
from publisher.db import transaction
from publisher.models import LedgerEntry, PublishBundle, ReachFigure, ReachPull
from publisher.publishing.outcome import ledger_key
from publisher.wechat import ConfigurationError, Gateway, QuotaExceeded, TokenRejected, WeChatError
from publisher.wechat.datacube import ENDPOINTS, TOTAL, Endpoint, Figures, fetch

log = logging.getLogger(__name__)

READY_HOUR = 8  # 北京时间: WeChat has yesterday's figures from 08:00
DAILY_DAYS = 7  # the daily pull looks back a week: getarticletotal follows an article 7 days
TOTAL_DAYS = 7
# WeChat publishes no per-minute limit for datacube; a pause between calls keeps a long
# backfill from looking like a burst, and 45009 (the daily quota) stops it for the day.
PAUSE_SECONDS = 0.5


@dataclass
class PullResult:
    calls: int = 0
    stored: int = 0
    unmatched: int = 0
    failed: list[tuple[str, date, int | None]] = field(default_factory=list)
    stopped_by: int | None = None  # the errcode that ended the pull early (quota, token)


def latest_day(now: datetime, timezone: ZoneInfo) -> date:
    """The last day WeChat has figures of at `now`."""
    local = now.astimezone(timezone)
    return local.date() - timedelta(days=1 if local.hour >= READY_HOUR else 2)


def windows(days: list[date], span: int) -> Iterator[tuple[date, date]]:
    """Consecutive days grouped into calls of at most `span` days."""
    start = previous = None
    for day in sorted(days):
        if start is not None and day == previous + timedelta(days=1) and (day - start).days < span:
            previous = day
            continue
        if start is not None:
            yield start, previous
        start = previous = day
    if start is not None:
        yield start, previous


def plan(session: Session, account_id: int, since: date, until: date) -> list[tuple[Endpoint, date, date]]:
    """The calls still needed for [since, until]: every day an endpoint has not answered in full."""
    calls = []
    for endpoint in ENDPOINTS:
        done = set(session.scalars(select(ReachPull.day).where(
            ReachPull.account_id == account_id, ReachPull.endpoint == endpoint.name,
            ReachPull.day >= since, ReachPull.day <= until)))
        missing = [since + timedelta(days=n) for n in range((until - since).days + 1)]
        calls += [(endpoint, b, e) for b, e in windows([d for d in missing if d not in done], endpoint.span_days)]
    return calls


def pull(
    session_factory: sessionmaker[Session],
    gateway: Gateway,
    *,
    account_id: int,
    since: date,
    clock: Clock,
    timezone: ZoneInfo,
    pause: float = PAUSE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] | None = None,
) -> PullResult:
    """Pull every endpoint's figures from `since` to the latest day WeChat has; `progress(done,
    total)` after each call."""
    result = PullResult()
    until = latest_day(clock.now(), timezone)
    if since > until:
        return result
    with session_factory() as session:
        calls = plan(session, account_id, since, until)
    for number, (endpoint, begin, end) in enumerate(calls, start=1):
        if number > 1 and pause:
            sleep(pause)
        result.calls += 1
        try:
            figures = fetch(gateway, endpoint, begin, end)
        except (QuotaExceeded, TokenRejected, ConfigurationError) as exc:
            # Every further call would fail the same way today: stop, tomorrow's pull resumes.
            log.warning("reach pull stopped: account %s datacube %s %s..%s errcode %s: %s",
                        account_id, endpoint.method, begin, end, exc.errcode, exc)
            result.failed.append((endpoint.name, begin, exc.errcode))
            result.stopped_by = exc.errcode
            break
        except WeChatError as exc:
            log.warning("reach pull: account %s datacube %s %s..%s errcode %s: %s; asked again next time",
                        account_id, endpoint.method, begin, end, exc.errcode, exc)
            result.failed.append((endpoint.name, begin, exc.errcode))
        else:
            try:
                with transaction(session_factory) as session:
                    stored, unmatched = store(session, account_id, figures, now=clock.now())
                    mark_pulled(session, account_id, endpoint, begin, end, figures, until=until, now=clock.now())
            except IntegrityError:
                # Another worker stored the same call at the same moment: its rows stand.
                log.info("reach pull: account %s %s %s..%s stored concurrently", account_id, endpoint.name, begin, end)
            else:
                result.stored += stored
                result.unmatched += unmatched
        if progress is not None:
            progress(number, len(calls))
    return result


def mark_pulled(session: Session, account_id: int, endpoint: Endpoint, begin: date, end: date,
                figures: list[Figures], *, until: date, now: datetime) -> None:
    """Mark the days this answer settles.

    An empty answer settles nothing: it may be a day with no mass-sent article read, or
    WeChat not ready; asking again costs one call. getarticletotal's answer for a sending
    day grows until its seventh day is in.
    """
    by_day: dict[date, int] = {}
    for figure in figures:
        key = figure.sent_on if endpoint is TOTAL else figure.day
        by_day[key] = by_day.get(key, 0) + 1
    for offset in range((end - begin).days + 1):
        day = begin + timedelta(days=offset)
        if not by_day.get(day):
            log.info("reach pull: account %s %s %s: empty answer, asked again next time", account_id,
                     endpoint.name, day)
            continue
        if endpoint is TOTAL and day + timedelta(days=TOTAL_DAYS - 1) > until:
            continue
        session.add(ReachPull(account_id=account_id, endpoint=endpoint.name, day=day, rows=by_day[day],
                              pulled_at=now))


def store(session: Session, account_id: int, figures: list[Figures], *, now: datetime) -> tuple[int, int]:
    """Insert or refresh each row under its unique key; returns (rows stored, rows not matched
    to an article govpost published)."""
    matcher = LedgerMatcher(session, account_id)
    stored = unmatched = 0
    for figure in figures:
        entry_id = matcher.entry_for(figure.msgid) if figure.msgid else None
        if figure.msgid and entry_id is None:
            unmatched += 1
        row = session.scalar(select(ReachFigure).where(
            ReachFigure.account_id == account_id, ReachFigure.endpoint == figure.endpoint,
            ReachFigure.msgid == figure.msgid, ReachFigure.day == figure.day, ReachFigure.source == figure.source))
        values = {"sent_on": figure.sent_on, "title": figure.title[:200], "ledger_entry_id": entry_id,
                  "reads": figure.reads, "read_users": figure.read_users, "shares": figure.shares,
                  "share_users": figure.share_users, "favourites": figure.favourites, "fetched_at": now}
        if row is None:
            session.add(ReachFigure(account_id=account_id, endpoint=figure.endpoint, msgid=figure.msgid,
                                    day=figure.day, source=figure.source, **values))
            stored += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
    session.flush()
    return stored, unmatched


class LedgerMatcher:
    """msgid "<msg_data_id>_<index>" → the ledger row of that article, if govpost sent it."""

    def __init__(self, session: Session, account_id: int) -> None:
        self.session, self.account_id = session, account_id
        self._cache: dict[str, int | None] = {}

    def entry_for(self, msgid: str) -> int | None:
        if msgid not in self._cache:
            self._cache[msgid] = self._find(msgid)
        return self._cache[msgid]

    def _find(self, msgid: str) -> int | None:
        data_id, _, index = msgid.rpartition("_")
        if not data_id or not index.isdigit():
            return None
        bundle = self.session.scalar(select(PublishBundle).where(
            PublishBundle.account_id == self.account_id, PublishBundle.msg_data_id == data_id))
        if bundle is None:
            return None
        return self.session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.account_id == self.account_id, LedgerEntry.external_key == ledger_key(bundle, int(index))))


def pull_every_account(runtime, *, sleep: Callable[[float], None] = time.sleep) -> PullResult:
    """The daily job: the past week of every configured account, each on its own."""
    from publisher.services.accounts import account_contexts

    total = PullResult()
    settings = runtime.settings
    since = latest_day(runtime.clock.now(), settings.timezone) - timedelta(days=DAILY_DAYS - 1)
    with runtime.session_factory() as session:
        accounts = account_contexts(session, settings)
    for account in accounts:
        result = pull(runtime.session_factory, runtime.gateway(account.name), account_id=account.id, since=since,
                      clock=runtime.clock, timezone=settings.timezone, pause=settings.reach_pause_seconds,
                      sleep=sleep)
        log.info("reach pull %s: %s calls, %s rows stored, %s not govpost's, %s failed", account.name,
                 result.calls, result.stored, result.unmatched, len(result.failed))
        total.calls, total.stored = total.calls + result.calls, total.stored + result.stored
        total.unmatched, total.failed = total.unmatched + result.unmatched, total.failed + result.failed
    return total
