"""Engines and sessions. SQLite by default (WAL, foreign keys on); PostgreSQL by URL.

PostgreSQL goes through psycopg 3, the maintained driver: a plain `postgresql://` URL (what
hosting providers hand out), `postgres://` and the older `postgresql+psycopg2://` all mean it,
so a URL written for psycopg2 keeps working without psycopg2 installed.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker


_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}


class DatabaseUrlError(ValueError):
    """A database URL govpost cannot use; the message says why, without the password."""


def database_url(url: str | URL) -> URL:
    """The URL SQLAlchemy gets: PostgreSQL through psycopg 3, SQLite as given."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            "database_url: not a database URL (e.g. sqlite:///var/govpost.db or postgresql://user@host/db)"
        ) from None
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    raise DatabaseUrlError(
        f"database_url: {parsed.drivername!r} is not supported; use sqlite:/// or postgresql://"
    )


def make_engine(url: str | URL, *, pool_size: int | None = None, statement_timeout_ms: int | None = None,
                **kwargs) -> Engine:
    """`pool_size` and `statement_timeout_ms` apply to PostgreSQL (SQLite has neither)."""
    parsed = database_url(url)
    url = parsed
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Several threads (web, scheduler, token fetch) share the file; wait rather than fail.
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling defers the write lock until the first write, which lets
        # two claimers read the same row as free; emit BEGIN ourselves so a transaction is one.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if pool_size is not None:
        kwargs.setdefault("pool_size", pool_size)
    if statement_timeout_ms:
        # A runaway query is cancelled by the server rather than holding a connection forever.
        kwargs.setdefault("connect_args", {"options": f"-c statement_timeout={int(statement_timeout_ms)}"})
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with session_factory() as session, session.begin():
        yield session
