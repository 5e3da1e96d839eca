"""Bringing articles published outside govpost into the ledger (`govpost import-history`).

freepublish/batchget is read page by page, newest first. Each article gets the key
"wechat:<article_id>:<idx>" (idx from 1, as publishing uses), so running the import twice,
or after govpost itself published some of the articles, adds nothing twice, nor an article
already entered by hand with its day and title; an article deleted on WeChat since is
flagged in the ledger on the next run. The topic is guessed from the keywords of the
account's topics and marked as guessed, for staff to confirm or change. Each page is committed on its own: an interrupted import keeps what it
had and the next run carries on.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.core.clock import Clock
from publisher.db import transaction
from publisher.models import WECHAT_CHANNEL, LedgerEntry, Topic
from publisher.services.audit import Actor
from publisher.services.ledger import add_entry, flag_deleted, local_day
from publisher.texts import ledger as texts
from publisher.wechat import PublishedArticle, WeChatGateway

PAGE_SIZE = 20  # the most freepublish/batchget returns
FALLBACK_TOPIC = "其他"


@dataclass
class HistoryResult:
    seen: int = 0
    added: int = 0
    guessed: int = 0
    skipped: int = 0
    by_topic: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class TopicGuesser:
    """The topic whose keywords occur most in the title (counted twice) and digest."""

    topics: list[tuple[str, list[str]]]  # in the configured order: ties go to the earlier

    @classmethod
    def for_account(cls, session: Session, account_id: int) -> "TopicGuesser":
        rows = session.scalars(
            select(Topic).where(Topic.account_id == account_id, Topic.active.is_(True)).order_by(Topic.position))
        return cls([(t.name, list(t.keywords or [])) for t in rows])

    def guess(self, title: str, digest: str = "") -> str:
        best, best_score = None, 0
        for name, keywords in self.topics:
            score = sum(2 * title.count(k) + digest.count(k) for k in keywords)
            if score > best_score:
                best, best_score = name, score
        if best is not None:
            return best
        names = [name for name, _ in self.topics]
        # With no active topic at all there is nothing better than 其他; the row is
        # marked guessed either way, so staff confirm it before the report.
        return FALLBACK_TOPIC if FALLBACK_TOPIC in names or not names else names[-1]


def article_key(article_id: str, idx: int) -> str:
    return f"wechat:{article_id}:{idx}"


def import_history(
    session_factory: sessionmaker[Session],
    gateway: WeChatGateway,
    *,
    account_id: int,
    timezone: ZoneInfo,
    actor: Actor,
    clock: Clock,
    since: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryResult:
    """Import every published article (on or after `since`, 北京时间); `progress(done, total)`
    is told after each page, with `total` the number of published items WeChat reports."""
    result = HistoryResult()
    with session_factory() as session:
        guesser = TopicGuesser.for_account(session, account_id)
        known = set(session.scalars(select(LedgerEntry.external_key).where(
            LedgerEntry.account_id == account_id, LedgerEntry.external_key.like("wechat:%"))))
        # WeChat articles a township entered by hand (ledger add, a spreadsheet) before this
        # import have no article id: the same day and title is the same article.
        entered = {tuple(row) for row in session.execute(select(LedgerEntry.disclosed_on, LedgerEntry.title).where(
            LedgerEntry.account_id == account_id, LedgerEntry.channel == WECHAT_CHANNEL,
            or_(LedgerEntry.external_key.is_(None), LedgerEntry.external_key.not_like("wechat:%"))))}
    offset = 0
    while True:
        total, items = gateway.published_page(offset, PAGE_SIZE)
        if not items:
            break
        reached_since = False
        with transaction(session_factory) as session:
            for item in items:
                if since is not None and local_day(item.update_time, timezone) < since:
                    reached_since = True
                    break
                for idx, article in enumerate(item.articles, start=1):
                    result.seen += 1
                    key = article_key(item.article_id, idx)
                    if key in known:
                        result.skipped += 1
                        if article.is_deleted:
                            _flag_deleted(session, account_id, key, actor=actor, clock=clock)
                        continue
                    known.add(key)
                    if (local_day(item.update_time, timezone), article.title.strip()) in entered:
                        result.skipped += 1
                        continue
                    _add(session, article, key, item.update_time, account_id=account_id, guesser=guesser,
                         timezone=timezone, actor=actor, clock=clock, result=result)
        offset += len(items)
        if progress is not None:
            progress(offset, total)
        if reached_since or offset >= total:
            break
    return result


def _flag_deleted(session, account_id: int, key: str, *, actor, clock) -> None:
    """An article deleted on WeChat since it came into the ledger: flag its row, so that it is
    no longer counted (flagging twice changes nothing)."""
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.account_id == account_id,
                                                     LedgerEntry.external_key == key))
    if entry is not None:
        flag_deleted(session, entry, actor=actor, clock=clock)


def _add(session, article: PublishedArticle, key, published_at, *, account_id, guesser, timezone, actor, clock, result):
    title = article.title.strip()[:200] or texts.UNTITLED
    topic = guesser.guess(title, article.digest)
    entry = add_entry(
        session, account_id=account_id, channel=WECHAT_CHANNEL, topic=topic, title=title, published_at=published_at,
        url=article.url or None, source="history", external_key=key, topic_guessed=True, actor=actor, clock=clock,
        timezone=timezone,
    )
    if article.is_deleted:
        flag_deleted(session, entry, actor=actor, clock=clock)
    result.added += 1
    result.guessed += 1
    result.by_topic[topic] += 1
