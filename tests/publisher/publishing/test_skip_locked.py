"""On PostgreSQL, a worker that meets a bundle or task another worker holds skips it at once
(SELECT ... FOR UPDATE SKIP LOCKED) rather than waiting for the other's transaction."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from publisher.models import PublishBundle
from publisher.publishing import claim
from publisher.background import tasks
from publisher.background.tasks import enqueue

RAN: list[int] = []


def _record(ctx, payload):
    RAN.append(payload["n"])


HANDLERS = {"test_skip_locked": _record}


def run_due_tasks(runtime):
    return tasks.run_due_tasks(runtime, HANDLERS)


@pytest.fixture
def postgres(runtime):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's claim holds the whole file (BEGIN IMMEDIATE)")
    return runtime


def holding_row_lock(engine, table: str, row_id: int):
    """A connection in an open transaction holding `table`'s row `row_id` FOR UPDATE."""
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
    return connection, transaction


def finishes_within(seconds: float, work):
    result: list = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    return result


def test_a_task_held_by_another_worker_is_skipped_not_waited_for(postgres, account):
    RAN.clear()
    with postgres.session_factory.begin() as session:
        held, free = (enqueue(session, account_id=account.id, kind="test_skip_locked", payload={"n": n},
                              run_after=postgres.clock.now()) for n in (1, 2))
        session.flush()
        held_id = held.id
    connection, transaction = holding_row_lock(postgres.engine, "tasks", held_id)
    try:
        assert finishes_within(5, lambda: run_due_tasks(postgres)) == [1]
        assert RAN == [2]
    finally:
        transaction.rollback()
        connection.close()
    assert run_due_tasks(postgres) == 1 and RAN == [2, 1]


def test_a_bundle_held_by_another_worker_is_skipped_not_waited_for(postgres, account):
    now = postgres.clock.now()
    with postgres.session_factory.begin() as session:
        bundle = PublishBundle(account_id=account.id, mode="freepublish", slot_at=now - timedelta(minutes=1),
                               status="pending", created_at=now, updated_at=now)
        session.add(bundle)
        session.flush()
        bundle_id = bundle.id
    connection, transaction = holding_row_lock(postgres.engine, "publish_bundles", bundle_id)
    try:
        assert finishes_within(5, lambda: claim.claim(postgres.session_factory, bundle_id, "w2", now)) == [False]
    finally:
        transaction.rollback()
        connection.close()
    assert claim.claim(postgres.session_factory, bundle_id, "w2", now) is True


def _due_bundles(runtime, account, count: int) -> list[int]:
    now = runtime.clock.now()
    with runtime.session_factory.begin() as session:
        bundles = [PublishBundle(account_id=account.id, mode="freepublish", slot_at=now - timedelta(minutes=1),
                                 status="pending", created_at=now, updated_at=now) for _ in range(count)]
        session.add_all(bundles)
        session.flush()
        return [b.id for b in bundles]


def test_each_claimer_of_the_next_bundle_gets_a_different_one_until_none_is_left(runtime, account):
    """claim_next picks and leases in one step, so workers never race down the same list."""
    first, second = _due_bundles(runtime, account, 2)
    now = runtime.clock.now()
    assert claim.claim_next(runtime.session_factory, "w1", now) == first
    assert claim.claim_next(runtime.session_factory, "w2", now) == second
    assert claim.claim_next(runtime.session_factory, "w3", now) is None


def test_the_next_bundle_leaves_out_those_this_pass_already_worked_on(runtime, account):
    first, second = _due_bundles(runtime, account, 2)
    now = runtime.clock.now()
    assert claim.claim_next(runtime.session_factory, "w1", now, passed={first}) == second


def test_the_next_bundle_skips_one_another_worker_is_claiming_at_once(postgres, account):
    first, second = _due_bundles(postgres, account, 2)
    connection, transaction = holding_row_lock(postgres.engine, "publish_bundles", first)
    try:
        assert finishes_within(5, lambda: claim.claim_next(postgres.session_factory, "w2", postgres.clock.now())) \
            == [second]
    finally:
        transaction.rollback()
        connection.close()


def test_an_account_another_worker_is_bundling_is_skipped_not_waited_for(postgres, account):
    from publisher.publishing.runner import run_publishing_pass
    from tests.publishing_support import queue_post

    queue_post(postgres, "等另一个进程", scheduled_at=postgres.clock.now() - timedelta(minutes=1))
    connection = postgres.engine.connect()
    transaction = connection.begin()
    connection.execute(text("SELECT id FROM accounts WHERE id = :id FOR NO KEY UPDATE"), {"id": account.id})
    try:
        assert finishes_within(5, lambda: run_publishing_pass(postgres, "w2")) == [0]
    finally:
        transaction.rollback()
        connection.close()
    with postgres.session_factory() as session:
        assert session.query(PublishBundle).count() == 0
