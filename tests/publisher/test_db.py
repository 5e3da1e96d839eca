"""SQLite's write lock: taken only by transactions that may write, queued, always given back."""
from __future__ import annotations

import fcntl
import threading

import pytest
from sqlalchemy import text

from publisher.db import make_engine, make_session_factory, read_only, transaction


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path}/lock.db"


def _flock_is_free(path) -> bool:
    """Whether another process could take the writer lock now (a separate open file)."""
    with open(path, "a+b") as other:
        try:
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        return True


def test_sqlite_commits_in_wal_mode_with_synchronous_normal(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()


def test_a_read_only_session_reads_while_another_thread_holds_the_write_lock(sqlite_url):
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)
    with factory() as setup, setup.begin():
        setup.execute(text("CREATE TABLE t (n INTEGER)"))
        setup.execute(text("INSERT INTO t VALUES (1)"))
    holding, done = threading.Event(), threading.Event()

    def writer():
        with transaction(factory) as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            holding.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(10)
    try:
        with read_only(factory)() as session:
            # The committed snapshot, at once: the writer has not committed its row.
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
            assert not done.is_set()
    finally:
        done.set()
        thread.join(10)
    engine.dispose()


def test_the_write_lock_is_held_across_processes_until_commit_and_freed_after(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    lock_file = tmp_path / "lock.db-writer.lock"
    with transaction(make_session_factory(engine)) as session:
        session.execute(text("SELECT 1"))
        assert not _flock_is_free(lock_file)
    assert _flock_is_free(lock_file)
    engine.dispose()


def test_the_write_lock_is_given_back_by_a_rollback_and_by_a_dropped_session(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)
    lock_file = tmp_path / "lock.db-writer.lock"
    with pytest.raises(ZeroDivisionError):
        with transaction(factory) as session:
            session.execute(text("SELECT 1"))
            1 / 0
    assert _flock_is_free(lock_file)
    session = factory()
    session.execute(text("SELECT 1"))  # autobegun, never committed
    session.close()
    assert _flock_is_free(lock_file)
    # And another thread can write at once.
    finished = []

    def write():
        with transaction(factory) as other:
            finished.append(other.execute(text("SELECT 1")).scalar())

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(5)
    assert finished == [1]
    engine.dispose()
