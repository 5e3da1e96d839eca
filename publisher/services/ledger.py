"""Writing the disclosure ledger (公开台账, SPEC §7): every write is audited.

Rows are never removed or silently overwritten: a deleted article is flagged, and a
correction is an edit whose old and new values go to the audit log. The report year of a row
is the year of `disclosed_on`, the day in the account's time zone (北京时间), fixed when the
row is written so that counting a year is a plain date range.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.db import insert_ignoring_duplicates
from publisher.services.audit import Actor, Line, record, record_all
from publisher.core.clock import Clock
from publisher.core.years import year_refusal
from publisher.config_files import Channel
from publisher.errors import Refusal
from publisher.models import WECHAT_CHANNEL, LedgerEntry, Topic
from publisher.texts import ledger as texts

__all__ = [
    "WECHAT_CHANNEL", "Channel", "LedgerError", "NewEntry", "add_entries", "add_entry", "correct_entry",
    "flag_deleted", "local_day", "resolve_channel", "resolve_topic",
]


class LedgerError(Refusal):
    """A value a person gave cannot go into the ledger; the message says why, in Chinese."""


def resolve_channel(text: str, channels: Sequence[Channel]) -> str:
    """The channel's name, from its name or an alias (`settings.channels`)."""
    wanted = text.strip().lstrip("@")
    for channel in channels:
        if wanted == channel.name or wanted in channel.aliases:
            return channel.name
    raise LedgerError(texts.UNKNOWN_CHANNEL.format(channel=wanted, choices="、".join(c.name for c in channels)))


def resolve_topic(session: Session, account_id: int, text: str) -> str:
    wanted = text.strip().lstrip("#＃")
    names = list(session.scalars(
        select(Topic.name).where(Topic.account_id == account_id, Topic.active.is_(True)).order_by(Topic.position)
    ))
    if wanted not in names:
        raise LedgerError(texts.UNKNOWN_TOPIC.format(topic=wanted, choices="、".join(names)))
    return wanted


def local_day(at: datetime, timezone: ZoneInfo) -> date:
    """The calendar day of an aware instant where the township is: it decides the report year."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return at.astimezone(timezone).date()


def require_disclosure_year(day: date, *, clock: Clock, timezone: ZoneInfo) -> None:
    """A row typed in by hand (CLI, console) must fall in a year 统计 and the report accept.
    Rows from publishing and imports carry WeChat's own time and are never refused for it."""
    refusal = year_refusal(day.year, local_day(clock.now(), timezone).year)
    if refusal:
        raise LedgerError(refusal)


def add_entry(
    session: Session,
    *,
    account_id: int,
    channel: str,
    topic: str,
    title: str,
    published_at: datetime,
    url: str | None = None,
    post_id: int | None = None,
    source: str,
    external_key: str | None = None,
    topic_guessed: bool = False,
    actor: Actor,
    clock: Clock,
    timezone: ZoneInfo,
) -> LedgerEntry:
    """Add one disclosed item. With an `external_key` already in the ledger, the existing row
    is returned unchanged: publishing twice or importing twice never counts an item twice."""
    disclosed_on = local_day(published_at, timezone)  # refuses a naive time before anything else
    title = title.strip()
    if not title or len(title) > 200:
        raise LedgerError(texts.TITLE_REQUIRED)
    if external_key is not None:
        existing = session.scalar(
            select(LedgerEntry).where(LedgerEntry.account_id == account_id, LedgerEntry.external_key == external_key)
        )
        if existing is not None:
            return existing
    entry = LedgerEntry(
        account_id=account_id,
        channel=channel,
        topic=topic,
        topic_guessed=topic_guessed,
        title=title,
        published_at=published_at.astimezone(UTC),
        disclosed_on=disclosed_on,
        url=url or None,
        post_id=post_id,
        source=source,
        external_key=external_key,
        created_by=actor.label,
        created_at=clock.now(),
    )
    session.add(entry)
    session.flush()
    record(
        session, account_id=account_id, actor=actor, action="ledger.add", at=clock.now(), post_id=post_id,
        detail={"entry_id": entry.id, "channel": channel, "topic": topic, "title": title,
                "disclosed_on": entry.disclosed_on.isoformat(), "source": source, "topic_guessed": topic_guessed},
    )
    return entry


@dataclass(frozen=True)
class NewEntry:
    """One disclosed item for `add_entries`: an item WeChat published, known by its key."""

    account_id: int
    channel: str
    topic: str
    title: str
    published_at: datetime
    external_key: str
    source: str
    url: str | None = None
    post_id: int | None = None


def add_entries(session: Session, entries: Sequence[NewEntry], *, actor: Actor, clock: Clock,
                timezone: ZoneInfo) -> int:
    """`add_entry` for many items at once (a bundle's articles): one INSERT … ON CONFLICT DO
    NOTHING on (account, key) instead of an "already there?" probe and an insert each, so an
    item already in the ledger is still never counted twice. Each new row is audited as
    `add_entry` audits it. Returns how many rows are new."""
    rows = []
    for entry in entries:
        title = entry.title.strip()
        if not title or len(title) > 200:
            raise LedgerError(texts.TITLE_REQUIRED)
        rows.append({
            "account_id": entry.account_id, "channel": entry.channel, "topic": entry.topic, "topic_guessed": False,
            "title": title, "published_at": entry.published_at.astimezone(UTC),
            "disclosed_on": local_day(entry.published_at, timezone), "url": entry.url or None,
            "post_id": entry.post_id, "source": entry.source, "external_key": entry.external_key,
            "created_by": actor.label, "created_at": clock.now(),
        })
    if not rows:
        return 0
    table = LedgerEntry.__table__
    # The rows as parameters (one INSERT of them all, by SQLAlchemy's "insertmanyvalues"), not
    # as .values(rows): a statement with the rows in it is compiled anew each time, which was
    # most of a publish's outcome step.
    added = session.execute(insert_ignoring_duplicates(session, table)
                            .returning(table.c.id, table.c.account_id, table.c.external_key), rows).all()
    by_key = {(row["account_id"], row["external_key"]): row for row in rows}
    lines = []
    for entry_id, account_id, key in sorted(added):
        row = by_key[(account_id, key)]
        lines.append(Line(account_id, "ledger.add", row["post_id"], {
            "entry_id": entry_id, "channel": row["channel"], "topic": row["topic"], "title": row["title"],
            "disclosed_on": row["disclosed_on"].isoformat(), "source": row["source"], "topic_guessed": False}))
    record_all(session, lines, actor=actor, at=clock.now())
    return len(added)


def flag_deleted(session: Session, entry: LedgerEntry, *, actor: Actor, clock: Clock) -> LedgerEntry:
    """The article was removed: the row stays, flagged, and no longer counts in the report."""
    if entry.deleted_at is None:
        entry.deleted_at = clock.now()
        record(
            session, account_id=entry.account_id, actor=actor, action="ledger.flag_deleted", at=clock.now(),
            post_id=entry.post_id, detail={"entry_id": entry.id},
        )
    return entry


def correct_entry(
    session: Session,
    entry: LedgerEntry,
    *,
    actor: Actor,
    clock: Clock,
    timezone: ZoneInfo,
    topic: str | None = None,
    title: str | None = None,
    channel: str | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
) -> dict[str, tuple]:
    """An audited edit: returns {field: (old, new)}. Setting the topic confirms it (no longer
    guessed), even when staff confirm the guess unchanged."""
    if published_at is not None:
        local_day(published_at, timezone)
    wanted = {"topic": topic, "title": title.strip() if title is not None else None,
              "channel": channel, "url": url,
              "published_at": published_at.astimezone(UTC) if published_at is not None else None}
    if wanted["title"] is not None and not 0 < len(wanted["title"]) <= 200:
        raise LedgerError(texts.TITLE_REQUIRED)
    changes = {
        field: (getattr(entry, field), value)
        for field, value in wanted.items()
        if value is not None and getattr(entry, field) != value
    }
    confirms = topic is not None and entry.topic_guessed
    if not changes and not confirms:
        raise LedgerError(texts.NOTHING_TO_CORRECT)
    for field, (_, new) in changes.items():
        setattr(entry, field, new)
    if "published_at" in changes:
        entry.disclosed_on = local_day(entry.published_at, timezone)
    if confirms:
        entry.topic_guessed = False
    record(
        session, account_id=entry.account_id, actor=actor, action="ledger.correct", at=clock.now(),
        post_id=entry.post_id,
        detail={"entry_id": entry.id, "confirmed_topic": confirms,
                "changes": {f: [str(old), str(new)] for f, (old, new) in changes.items()}},
    )
    return changes
