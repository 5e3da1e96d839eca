"""The webhook's write transaction on the driver (publisher.driver_write): the same rows as
through SQLAlchemy, one transaction with what the ORM adds to it, nothing kept on an error,
the writer lock always given back, the driver's errors raised as SQLAlchemy's."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import BEIJING
from publisher.driver_write import write_transaction
from publisher.models import AuditEntry, InboundMessage, WebhookReplay
from publisher.services.accounts import account_by_name, sync_accounts
from publisher.db import transaction

RECEIVED = datetime(2024, 3, 1, 10, 0, 0, 123456, tzinfo=BEIJING)
# A whole second: stored with its zero microseconds as SQLAlchemy stores it, or text
# comparisons between stored times (expires_at > now) go wrong.
WHOLE_SECOND = datetime(2024, 3, 1, 10, 0, 0, tzinfo=BEIJING)
_INBOUND, _AUDIT, _REPLAYS = InboundMessage.__table__, AuditEntry.__table__, WebhookReplay.__table__


@pytest.fixture
def account_id(runtime):
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, runtime.settings, runtime.clock)
        return account_by_name(session, "default").id


def _message(account_id: int, n: int) -> dict:
    return {"account_id": account_id, "dedup_key": f"msg:{n}", "from_openid": "oCitizen", "msg_type": "text",
            "raw": "<xml>你好</xml>", "received_at": RECEIVED, "staff_id": None, "reply": "您好",
            "handled_at": WHOLE_SECOND}


def _stored(engine, dedup_key: str):
    """The row as the database holds it, values as stored (not as SQLAlchemy reads them)."""
    with engine.connect() as connection:
        return tuple(connection.execute(text(
            "SELECT account_id, from_openid, raw, CAST(received_at AS TEXT), reply, CAST(handled_at AS TEXT) "
            "FROM inbound_messages WHERE dedup_key = :k"), {"k": dedup_key}).one())


def test_a_row_written_on_the_driver_is_stored_exactly_as_sqlalchemy_stores_it(runtime, account_id):
    with write_transaction(runtime.engine) as write:
        new_id = write.execute(insert(_INBOUND), _message(account_id, 1)).inserted_primary_key[0]
        detail = {"word": "你好", "outcome": "done"}
        write.execute(insert(_AUDIT), {"account_id": account_id, "at": RECEIVED, "actor": "system",
                                       "staff_id": None, "action": "chat.command", "post_id": None,
                                       "inbound_message_id": new_id, "detail": detail})
    with runtime.engine.begin() as connection:
        connection.execute(insert(_INBOUND), _message(account_id, 2))

    assert _stored(runtime.engine, "msg:1") == _stored(runtime.engine, "msg:2")
    with runtime.session_factory() as session:
        message = session.scalars(select(InboundMessage).where(InboundMessage.dedup_key == "msg:1")).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.inbound_message_id == new_id)).one()
    assert message.id == new_id and message.received_at == RECEIVED and message.handled_at == WHOLE_SECOND
    assert entry.detail == detail and entry.at == RECEIVED


def test_results_read_off_the_driver_are_what_sqlalchemy_would_give(runtime, account_id):
    expires = RECEIVED + timedelta(minutes=10)
    with write_transaction(runtime.engine) as write:
        write.execute(insert(_REPLAYS), {"key": "k1", "dedup_key": "msg:1", "expires_at": expires})
        seen = write.execute(select(_REPLAYS.c.expires_at, _REPLAYS.c.dedup_key).where(_REPLAYS.c.key == "k1"), {})
        assert seen.first() == (expires, "msg:1")
        assert write.execute(select(_REPLAYS.c.dedup_key).where(_REPLAYS.c.key == "none"), {}).scalar() is None


def test_an_error_in_the_block_keeps_nothing_and_frees_the_writer(runtime, account_id):
    with pytest.raises(RuntimeError):
        with write_transaction(runtime.engine) as write:
            write.execute(insert(_INBOUND), _message(account_id, 1))
            raise RuntimeError("the command failed")
    _another_thread_writes_at_once(runtime)
    with runtime.engine.connect() as connection:
        assert connection.execute(select(_INBOUND.c.id).where(_INBOUND.c.dedup_key == "msg:1")).first() is None


def test_what_the_orm_adds_is_one_transaction_with_what_ran_on_the_driver(runtime, account_id):
    with write_transaction(runtime.engine) as write:
        write.execute(insert(_INBOUND), _message(account_id, 1))
        with runtime.session_factory(bind=write.connection) as session:
            session.add(InboundMessage(**_message(account_id, 2)))
            session.flush()
        write.execute(insert(_INBOUND), _message(account_id, 3))  # through SQLAlchemy from here on
    with runtime.engine.connect() as connection:
        assert len(connection.execute(select(_INBOUND.c.id)).all()) == 3

    with pytest.raises(RuntimeError):
        with write_transaction(runtime.engine) as write:
            write.execute(insert(_INBOUND), _message(account_id, 4))
            with runtime.session_factory(bind=write.connection) as session:
                session.add(InboundMessage(**_message(account_id, 5)))
                session.flush()
            raise RuntimeError("after the ORM joined")
    _another_thread_writes_at_once(runtime)
    with runtime.engine.connect() as connection:
        assert len(connection.execute(select(_INBOUND.c.id)).all()) == 3


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it_and_frees_the_writer(runtime, account_id):
    with pytest.raises(IntegrityError):
        with write_transaction(runtime.engine) as write:
            write.execute(insert(_INBOUND), _message(account_id, 1))
            write.execute(insert(_INBOUND), _message(account_id, 1))  # the unique (account, dedup key)
    _another_thread_writes_at_once(runtime)


def test_a_statement_needing_a_python_side_default_is_refused_not_stored_without_it(runtime, account_id):
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's statements go through SQLAlchemy, which applies the default")
    with pytest.raises(ValueError, match="Python-side defaults"):
        with write_transaction(runtime.engine) as write:  # audit_log.detail defaults to {} in Python
            write.execute(insert(_AUDIT), {"account_id": account_id, "at": RECEIVED, "actor": "system",
                                           "action": "chat.command"})
    _another_thread_writes_at_once(runtime)


def _another_thread_writes_at_once(runtime) -> None:
    """The writer lock is free: a write transaction in another thread commits within a second
    (a lock still held would keep it waiting for SQLite's 30 s busy timeout)."""
    done = threading.Event()

    def write() -> None:
        with runtime.engine.begin() as connection:
            connection.execute(insert(_REPLAYS), {"key": f"free-{threading.get_ident()}", "dedup_key": "x",
                                                  "expires_at": RECEIVED})
        done.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    assert done.wait(1), "the writer lock was not given back"
