"""Ledger writes: audited, idempotent by external key, deleted rows kept and flagged,
corrections recorded with old and new values."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from publisher.services.audit import CLI
from publisher.db import transaction
from publisher.services.ledger import (
    LedgerError, NewEntry, add_entries, add_entry, correct_entry, flag_deleted, local_day, resolve_channel,
)
from publisher.models import AuditEntry, LedgerEntry
from stats.queries import year_counts

BEIJING = ZoneInfo("Asia/Shanghai")


def add(session, runtime, account, **overrides):
    values = dict(account_id=account.id, channel="微信公众号", topic="乡村振兴", title="春耕备耕",
                  published_at=datetime(2023, 12, 31, 23, 30, tzinfo=BEIJING), source="publish",
                  actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)
    return add_entry(session, **{**values, **overrides})


def test_added_row_takes_its_beijing_day_and_is_audited(runtime, account):
    with transaction(runtime.session_factory) as session:
        entry = add(session, runtime, account)
        assert entry.disclosed_on.isoformat() == "2023-12-31"
        assert entry.published_at.isoformat() == "2023-12-31T15:30:00+00:00"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.add")).one()
        assert audit.detail["entry_id"] == entry.id and audit.actor == "cli"


def test_same_external_key_twice_is_one_row(runtime, account):
    with transaction(runtime.session_factory) as session:
        first = add(session, runtime, account, external_key="wechat:a1:1")
        again = add(session, runtime, account, external_key="wechat:a1:1", title="改过的标题")
        assert again.id == first.id and again.title == "春耕备耕"
        assert session.scalar(select(LedgerEntry.id).where(LedgerEntry.id != first.id)) is None


def test_entries_added_together_skip_keys_already_in_the_ledger_and_audit_only_the_new(runtime, account):
    def entry(key: str, title: str) -> NewEntry:
        return NewEntry(account_id=account.id, channel="微信公众号", topic="乡村振兴", title=title,
                        published_at=datetime(2023, 12, 31, 23, 30, tzinfo=BEIJING), external_key=key,
                        source="publish")

    with transaction(runtime.session_factory) as session:
        first = add(session, runtime, account, external_key="wechat:a1:1")
        added = add_entries(session, [entry("wechat:a1:1", "改过的标题"), entry("wechat:a1:2", "防汛演练")],
                            actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)
        rows = session.execute(select(LedgerEntry.id, LedgerEntry.title).order_by(LedgerEntry.id)).all()
        audited = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "ledger.add")
                                  .order_by(AuditEntry.id)).all()
    assert added == 1
    assert [title for _, title in rows] == ["春耕备耕", "防汛演练"] and rows[0].id == first.id
    assert [d["entry_id"] for d in audited] == [first.id, rows[1].id]
    assert audited[1]["disclosed_on"] == "2023-12-31"


def test_deleted_article_stays_flagged_and_is_no_longer_counted(runtime, account):
    with transaction(runtime.session_factory) as session:
        kept = add(session, runtime, account)
        removed = add(session, runtime, account, title="误发的文章")
        flag_deleted(session, removed, actor=CLI, clock=runtime.clock)
    with runtime.session_factory() as session:
        assert session.get(LedgerEntry, removed.id).deleted_at is not None
        counts = year_counts(session, account.id, 2023, ["微信公众号"])
    assert (counts.total, counts.deleted) == (1, 1) and kept.id != removed.id


def test_correction_keeps_old_and_new_values_in_the_audit_log_and_confirms_a_guess(runtime, account):
    with transaction(runtime.session_factory) as session:
        entry = add(session, runtime, account, topic_guessed=True)
        changes = correct_entry(session, entry, actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone,
                                topic="民生改善", published_at=datetime(2024, 1, 1, 0, 30, tzinfo=BEIJING))
        assert set(changes) == {"topic", "published_at"}
        assert entry.topic == "民生改善" and not entry.topic_guessed
        assert entry.disclosed_on.isoformat() == "2024-01-01"
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.correct")).one()
        assert audit.detail["changes"]["topic"] == ["乡村振兴", "民生改善"]


def test_confirming_a_guessed_topic_unchanged_is_a_recorded_correction(runtime, account):
    with transaction(runtime.session_factory) as session:
        entry = add(session, runtime, account, topic_guessed=True)
        assert correct_entry(session, entry, actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone,
                             topic="乡村振兴") == {}
        assert not entry.topic_guessed
        with pytest.raises(LedgerError, match="没有要更正的内容"):
            correct_entry(session, entry, actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone,
                          topic="乡村振兴")


def test_empty_title_is_refused(runtime, account):
    with transaction(runtime.session_factory) as session, pytest.raises(LedgerError, match="标题不能为空"):
        add(session, runtime, account, title="  ")


def test_channels_come_from_config_with_aliases(runtime):
    channels = runtime.settings.channels
    assert [c.name for c in channels][:3] == ["微信公众号", "三务公开栏", "广播"]
    assert resolve_channel("@公开栏", channels) == "三务公开栏"
    with pytest.raises(LedgerError, match="渠道「电视」无效"):
        resolve_channel("电视", channels)


def test_local_day_refuses_a_naive_time():
    with pytest.raises(ValueError):
        local_day(datetime(2023, 12, 31, 23, 30), BEIJING)
