"""Engines and sessions. SQLite by default (WAL, foreign keys on); PostgreSQL by URL.

PostgreSQL goes through psycopg 3, the maintained driver: a plain `postgresql://` URL (what
hosting providers hand out), `postgres://` and the older `postgresql+psycopg2://` all mean it,
so a URL written for psycopg2 keeps working without psycopg2 installed.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: this process's lock only; SQLite's busy handler does the rest
    fcntl = None

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from publisher.texts import config as texts

BUSY_TIMEOUT_SECONDS = 30


_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}


class DatabaseUrlError(ValueError):
    """A database URL govpost cannot use; the message says why, without the password."""


def database_url(url: str | URL) -> URL:
    """The URL SQLAlchemy gets: PostgreSQL through psycopg 3, SQLite as given."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(texts.DATABASE_URL_UNPARSABLE) from None
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    raise DatabaseUrlError(texts.DATABASE_URL_UNSUPPORTED.format(driver=parsed.drivername))


def make_engine(url: str | URL, *, pool_size: int | None = None, statement_timeout_ms: int | None = None,
                **kwargs) -> Engine:
    """`pool_size` and `statement_timeout_ms` apply to PostgreSQL (SQLite has neither)."""
    parsed = database_url(url)
    url = parsed
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Several threads (web, scheduler, token fetch) share the file; wait rather than fail.
        kwargs.setdefault("connect_args", {"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        _serialise_sqlite_writers(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if pool_size is not None:
        kwargs.setdefault("pool_size", pool_size)
    if statement_timeout_ms:
        # A runaway query is cancelled by the server rather than holding a connection forever.
        kwargs.setdefault("connect_args", {"options": f"-c statement_timeout={int(statement_timeout_ms)}"})
    return create_engine(url, **kwargs)


# Read-only work (`read_only(session_factory)`) on SQLite: a deferred transaction, which in
# WAL mode reads a snapshot without waiting for, or blocking, any writer.
DEFERRED = "govpost_deferred"
_HELD = "govpost_write_lock"  # in a pooled connection's info while its transaction holds the lock


def _serialise_sqlite_writers(engine: Engine) -> None:
    """Every transaction that may write starts with BEGIN IMMEDIATE, after taking a lock that
    the threads of this process share.

    pysqlite's own BEGIN handling defers the write lock until the first write, which lets two
    claimers read the same row as free; BEGIN IMMEDIATE makes a transaction one. Threads that
    meet SQLite's lock instead of ours wait in its busy handler, which sleeps in growing steps
    (up to 100 ms) and serves no one in order: under load the slowest reply took seconds. The
    threading lock queues this process's writers; SQLite's lock is then only contended by
    other processes, and they queue on an flock of a file beside the database, which the
    kernel hands on at once. Both are taken at BEGIN and given back once COMMIT or ROLLBACK
    is done.
    """
    database = engine.url.database
    lock = _WriterLock(Path(database + "-writer.lock") if database and database != ":memory:" else None)
    dialect = engine.dialect

    def begin(conn) -> None:
        if conn.get_execution_options().get(DEFERRED):
            conn.exec_driver_sql("BEGIN")
            return
        if conn.connection.info.get(_HELD) is lock:  # begun on the driver (begin_on_driver): carried on
            return
        lock.acquire()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release()
            raise
        conn.connection.info[_HELD] = lock

    def ended(end):
        def wrapped(dbapi_connection, *args, **kwargs):
            try:
                return end(dbapi_connection, *args, **kwargs)
            finally:
                _release(dbapi_connection)
        return wrapped

    event.listen(engine, "begin", begin)
    _WRITER_LOCKS[engine.pool] = lock
    dialect.do_commit = ended(dialect.do_commit)
    dialect.do_rollback = ended(dialect.do_rollback)
    # A connection given back to the pool without either (a dropped session) frees it too.
    event.listen(engine, "checkin", lambda dbapi_connection, record: _release(dbapi_connection, record.info))


class _WriterLock:
    """A re-entrant lock for this process's threads that also holds an flock while held."""

    def __init__(self, path: Path | None):
        self.path = path
        self._reset()
        _LOCKS.add(self)

    def _reset(self) -> None:
        # Also run in a forked child (gunicorn's workers): a lock the parent's scheduler thread
        # held at the fork would otherwise stay held there for ever.
        self.threads = threading.RLock()
        self.depth = 0
        self.file = None
        self.pid = None

    def acquire(self) -> None:
        # As long as SQLite's own busy timeout: a thread waiting on one that holds the lock
        # fails as it did before, instead of hanging.
        if not self.threads.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            raise sqlite3.OperationalError("database is locked (waited for this process's writer)")
        self.depth += 1
        if self.depth == 1 and self.path is not None and fcntl is not None:
            try:
                fcntl.flock(self._file().fileno(), fcntl.LOCK_EX)
            except BaseException:
                self.depth -= 1
                self.threads.release()
                raise

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.file is not None:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
        self.threads.release()

    def _file(self):
        if self.file is None or self.pid != os.getpid():  # a forked child opens its own
            self.file, self.pid = open(self.path, "a+b"), os.getpid()
        return self.file


_LOCKS: "weakref.WeakSet[_WriterLock]" = weakref.WeakSet()
os.register_at_fork(after_in_child=lambda: [lock._reset() for lock in list(_LOCKS)])


_WRITER_LOCKS: "weakref.WeakKeyDictionary[object, _WriterLock]" = weakref.WeakKeyDictionary()


def begin_on_driver(connection: Connection) -> None:
    """SQLite: BEGIN IMMEDIATE on the driver's connection under the writer lock, as the begin
    hook does, without SQLAlchemy's statement machinery (publisher.driver_write). SQLAlchemy
    carries the transaction on if it is asked to begin one on this connection."""
    lock = _WRITER_LOCKS[connection.engine.pool]
    fairy = connection.connection
    lock.acquire()
    try:
        fairy.dbapi_connection.execute("BEGIN IMMEDIATE")
    except BaseException:
        lock.release()
        raise
    fairy.info[_HELD] = lock


def end_on_driver(connection: Connection, *, commit: bool) -> None:
    """COMMIT (or ROLLBACK) what `begin_on_driver` began, and give the writer lock back."""
    fairy = connection.connection
    try:
        if commit:
            fairy.dbapi_connection.commit()
        else:
            fairy.dbapi_connection.rollback()
    finally:
        _release(fairy)


def _release(dbapi_connection, info: dict | None = None) -> None:
    if info is None:
        record = getattr(dbapi_connection, "_connection_record", None)
        info = record.info if record is not None else {}
    lock = info.pop(_HELD, None)
    if lock is not None:
        lock.release()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process
    # loses nothing, a power cut may lose the last commits (SQLite's documented trade-off).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def insert_ignoring_duplicates(session_or_connection: Session | Connection, table):
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: one statement, and the result's
    rowcount says whether the row is new."""
    bind = session_or_connection.get_bind() if isinstance(session_or_connection, Session) else session_or_connection
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def read_only(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions for work that only reads: on SQLite they take no write lock."""
    engine = session_factory.kw["bind"]
    return sessionmaker(engine.execution_options(**{DEFERRED: True}), expire_on_commit=False)


def reading_connection(engine: Engine):
    """A connection for a long read of its own (a report's streamed rows): deferred on SQLite,
    so it neither takes nor waits for the write lock a session of the same process may hold."""
    return engine.execution_options(**{DEFERRED: True}).connect()


@contextmanager
def transaction(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with session_factory() as session, session.begin():
        yield session
