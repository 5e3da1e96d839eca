"""The shared token store: one fetch however many callers ask, expiry, rejection, lock leases."""
from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from publisher.core.clock import FixedClock
from publisher.db import make_engine, make_session_factory
from publisher.models import WeChatToken
from publisher.wechat.tokens import DatabaseTokenStore, FetchedToken, RedisTokenStore
from tests.support import APPID, T0, CountingFetch, StableFetch, ask_at_once, counting

def fetch_count(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(WeChatToken.fetch_count).where(WeChatToken.appid == APPID))


@pytest.fixture
def db_store(session_factory):
    return DatabaseTokenStore(session_factory, clock=FixedClock(T0))


@pytest.fixture
def redis_store(redis_client, redis_prefix):
    return RedisTokenStore(redis_client, key_prefix=redis_prefix, clock=FixedClock(T0))


@pytest.mark.db
def test_eight_threads_asking_for_a_token_at_once_cause_one_fetch_db(db_store, session_factory):
    fetch = CountingFetch(delay=0.3)
    assert ask_at_once(db_store, fetch) == ["token-1"] * 8
    assert fetch.calls == [False]
    assert fetch_count(session_factory) == 1


@pytest.mark.redis
def test_eight_threads_asking_for_a_token_at_once_cause_one_fetch_redis(redis_store):
    fetch = CountingFetch(delay=0.3)
    assert ask_at_once(redis_store, fetch) == ["token-1"] * 8
    assert fetch.calls == [False]


def _process_caller(db_url: str, barrier, results) -> None:
    engine = make_engine(db_url)
    store = DatabaseTokenStore(make_session_factory(engine))
    barrier.wait()
    results.append(store.get(APPID, _slow_pid_fetch))
    engine.dispose()


def _slow_pid_fetch(force_refresh: bool) -> FetchedToken:
    import os

    time.sleep(0.5)
    return FetchedToken(f"token-of-{os.getpid()}", 7200)


@pytest.mark.db
@pytest.mark.slow  # four processes
def test_four_processes_asking_at_once_cause_one_fetch(session_factory, database_url):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier, results = manager.Barrier(4), manager.list()
        processes = [context.Process(target=_process_caller, args=(database_url, barrier, results)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        tokens = list(results)
    assert len(tokens) == 4 and len(set(tokens)) == 1
    assert fetch_count(session_factory) == 1


@pytest.mark.db
def test_token_is_reused_until_a_minute_before_expiry_db(db_store):
    fetch = CountingFetch()
    assert db_store.get(APPID, fetch) == "token-1"
    db_store.clock.advance(seconds=7200 - 61)
    assert db_store.get(APPID, fetch) == "token-1"
    db_store.clock.advance(seconds=2)
    assert db_store.get(APPID, fetch) == "token-2"
    assert fetch.calls == [False, False]


@pytest.mark.redis
def test_token_is_reused_until_a_minute_before_expiry_redis(redis_store):
    fetch = CountingFetch()
    assert redis_store.get(APPID, fetch) == "token-1"
    redis_store.clock.advance(seconds=7200 - 61)
    assert redis_store.get(APPID, fetch) == "token-1"
    redis_store.clock.advance(seconds=2)
    assert redis_store.get(APPID, fetch) == "token-2"


@pytest.mark.db
def test_rejected_token_is_replaced_by_a_forced_fetch_db(db_store):
    fetch = StableFetch()
    first = db_store.get(APPID, fetch)
    assert db_store.replace_rejected(APPID, first, fetch) == "token-2"
    assert fetch.calls == [False, False, True]  # forced only because WeChat kept the refused one
    assert db_store.get(APPID, fetch) == "token-2"


@pytest.mark.db
def test_rejected_token_the_platform_already_replaced_needs_no_forced_fetch(db_store):
    fetch = CountingFetch()  # the platform revoked it and hands out a new one
    first = db_store.get(APPID, fetch)
    assert db_store.replace_rejected(APPID, first, fetch) == "token-2"
    assert fetch.calls == [False, False]


@pytest.mark.db
def test_rejected_token_already_replaced_by_another_caller_is_taken_without_fetching(db_store):
    fetch = StableFetch()
    stale = db_store.get(APPID, fetch)
    newer = db_store.replace_rejected(APPID, stale, fetch)
    # A second caller that also used the stale token takes the newer one.
    assert db_store.replace_rejected(APPID, stale, fetch) == newer
    assert fetch.calls == [False, False, True]


@pytest.mark.redis
def test_rejected_token_is_replaced_once_redis(redis_store):
    fetch = StableFetch()
    stale = redis_store.get(APPID, fetch)
    assert redis_store.replace_rejected(APPID, stale, fetch) == "token-2"
    assert redis_store.replace_rejected(APPID, stale, fetch) == "token-2"
    assert fetch.calls == [False, False, True]


@pytest.mark.db
def test_lock_left_by_a_crashed_fetcher_is_taken_over_after_its_lease(db_store, session_factory):
    db_store._ensure_row(APPID)
    with session_factory() as session, session.begin():
        session.execute(
            update(WeChatToken)
            .where(WeChatToken.appid == APPID)
            .values(lock_owner="crashed", lock_until=T0 + timedelta(seconds=30))
        )
    db_store.poll_seconds = 0.01
    fetch = CountingFetch()
    result: list[str] = []
    waiter = threading.Thread(target=lambda: result.append(db_store.get(APPID, fetch)))
    waiter.start()
    time.sleep(0.1)
    assert fetch.calls == []  # still waiting for the lease
    db_store.clock.advance(seconds=31)
    waiter.join(timeout=10)
    assert result == ["token-1"]
    with session_factory() as session:
        row = session.get(WeChatToken, APPID)
        assert row.lock_owner is None and row.lock_until is None


@pytest.mark.db
def test_failed_fetch_releases_the_lock(db_store, session_factory):
    def failing(force_refresh):
        raise RuntimeError("token endpoint down")

    with pytest.raises(RuntimeError):
        db_store.get(APPID, failing)
    with session_factory() as session:
        assert session.get(WeChatToken, APPID).lock_owner is None
    assert db_store.get(APPID, CountingFetch()) == "token-1"


@pytest.mark.db
def test_token_row_creation_tolerates_concurrent_inserts(db_store, session_factory):
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def create():
        barrier.wait()
        try:
            db_store._ensure_row(APPID)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with session_factory() as session:
        assert session.scalars(select(WeChatToken.appid)).all() == [APPID]


class CountingReads(DatabaseTokenStore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = 0

    def _read(self, appid):
        self.reads += 1
        return super()._read(appid)


@pytest.mark.db
def test_a_valid_token_is_served_from_process_memory_without_reading_the_store(session_factory):
    store = CountingReads(session_factory, clock=FixedClock(T0))
    fetch = CountingFetch()
    assert store.get(APPID, fetch) == "token-1"
    reads_after_fetch = store.reads
    for _ in range(50):  # wechatpy reads the token twice per API call
        assert store.get(APPID, fetch) == "token-1"
    assert store.reads == reads_after_fetch
    assert fetch.calls == [False]


@pytest.mark.db
def test_a_token_another_process_replaced_after_a_refusal_is_read_from_the_store(session_factory):
    clock = FixedClock(T0)
    ours, theirs = DatabaseTokenStore(session_factory, clock=clock), DatabaseTokenStore(session_factory, clock=clock)
    fetch = StableFetch()
    stale = ours.get(APPID, fetch)
    newer = theirs.replace_rejected(APPID, stale, fetch)
    # Until WeChat refuses it, our process keeps its copy; once refused, it takes the shared one.
    assert ours.replace_rejected(APPID, stale, fetch) == newer
    assert ours.get(APPID, fetch) == newer
    assert fetch.calls == [False, False, True]


@pytest.mark.db
def test_an_appids_first_fetch_takes_two_transactions_and_leaves_the_token_stored_and_unlocked(
        db_store, session_factory, db_engine):
    # The lease (the row made with it), and the token written with the lease let go; it was
    # six: the row ensured, and the re-read, the write and the release each in their own, then
    # three with a read of the store before the lease.
    with counting(db_engine) as statements:
        assert db_store.get(APPID, CountingFetch()) == "token-1"
    assert sum(1 for s in statements if s.startswith("BEGIN")) <= 2, statements
    with session_factory() as session:
        row = session.get(WeChatToken, APPID)
        assert (row.access_token, row.lock_owner, row.lock_until, row.fetch_count) == ("token-1", None, None, 1)


@pytest.mark.db
def test_a_usable_token_another_process_stored_is_taken_in_one_transaction_without_the_lease(
        session_factory, db_engine):
    clock = FixedClock(T0)
    theirs, ours = DatabaseTokenStore(session_factory, clock=clock), DatabaseTokenStore(session_factory, clock=clock)
    fetch = CountingFetch()
    stored = theirs.get(APPID, fetch)
    with counting(db_engine) as statements:
        assert ours.get(APPID, fetch) == stored
    assert fetch.calls == [False]
    # One transaction (SQLite's BEGIN; PostgreSQL's is implicit): the lease not taken, the token read.
    assert sum(1 for s in statements if s.startswith("BEGIN")) <= 1, statements
    assert len([s for s in statements if not s.startswith("BEGIN")]) == 2, statements
    with session_factory() as session:
        row = session.get(WeChatToken, APPID)
        assert (row.lock_owner, row.lock_until, row.fetch_count) == (None, None, 1)


@pytest.mark.db
def test_a_release_leaves_a_lease_another_caller_took_over(db_store, session_factory):
    db_store.get(APPID, CountingFetch())
    with session_factory() as session, session.begin():
        session.execute(update(WeChatToken).where(WeChatToken.appid == APPID)
                        .values(lock_owner="newer", lock_until=T0 + timedelta(seconds=30)))
    db_store._release(APPID, "lapsed-owner")
    with session_factory() as session:
        assert session.get(WeChatToken, APPID).lock_owner == "newer"
