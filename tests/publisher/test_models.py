from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from publisher.services.audit import SYSTEM, record
from publisher.models import AuditEntry, AuditLogIsAppendOnly, InboundMessage, Post, Topic


def test_the_default_account_has_the_nine_topics_of_the_config(session_factory, account):
    with session_factory() as session:
        names = list(session.scalars(select(Topic.name).where(Topic.account_id == account.id).order_by(Topic.position)))
    assert names == ["党组织建设", "主题教育", "生态环保", "乡村振兴", "平安建设", "民生改善", "综治维稳", "法治宣传", "其他"]


def test_times_come_back_as_aware_utc_whatever_zone_went_in(session_factory, account):
    beijing = datetime(2024, 1, 1, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with session_factory.begin() as session:
        post = Post(account_id=account.id, title="t", status="draft", created_at=beijing, updated_at=beijing,
                    scheduled_at=beijing)
        session.add(post)
    with session_factory() as session:
        loaded = session.get(Post, post.id)
    assert loaded.scheduled_at == datetime(2023, 12, 31, 23, 0, tzinfo=timezone.utc)
    assert loaded.scheduled_at.tzinfo is not None


def test_naive_datetimes_are_refused(session_factory, account):
    with pytest.raises(Exception, match="naive"), session_factory.begin() as session:
        session.add(Post(account_id=account.id, title="t", status="draft",
                         created_at=datetime(2024, 1, 1), updated_at=datetime(2024, 1, 1)))


def test_inbound_dedup_key_is_unique_per_account(session_factory, account, clock):
    def message():
        return InboundMessage(account_id=account.id, dedup_key="msg:1234", from_openid="o1", msg_type="text",
                              raw="<xml/>", received_at=clock.now())

    with session_factory.begin() as session:
        session.add(message())
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.add(message())


def test_audit_entries_cannot_be_changed_or_deleted(session_factory, account, clock):
    with session_factory.begin() as session:
        entry_id = record(session, account_id=account.id, actor=SYSTEM, action="x", at=clock.now())
    with pytest.raises(AuditLogIsAppendOnly), session_factory.begin() as session:
        session.get(AuditEntry, entry_id).action = "y"
    with pytest.raises(AuditLogIsAppendOnly), session_factory.begin() as session:
        session.delete(session.get(AuditEntry, entry_id))


def test_two_writers_of_the_same_post_version_cannot_both_win(session_factory, account, clock):
    with session_factory.begin() as session:
        post = Post(account_id=account.id, title="t", status="draft", created_at=clock.now(), updated_at=clock.now())
        session.add(post)
    first, second = session_factory(), session_factory()
    b = second.get(Post, post.id)
    second.commit()  # b stays loaded at version 1; SQLite allows one writer at a time
    first.get(Post, post.id).title = "first"
    first.commit()
    b.title = "second"
    with pytest.raises(StaleDataError):
        second.commit()
    first.close(), second.close()
