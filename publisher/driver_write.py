"""The webhook's write transaction, run on the database driver where SQLite is the database.

A citizen's message is two INSERTs in one write transaction, and SQLite has one writer: the
time that transaction takes is the time both workers queue for. Through SQLAlchemy's
Connection each statement cost about 70 Python calls beside the driver's one (its statement
cache key, parameter processing, events, result set-up), and the transaction's begin and
commit as many again, all of it while holding the writer lock. Here the statements are still
SQLAlchemy Core statements, compiled once per dialect and parameter set, and run on the
driver's cursor with the same bind processors SQLAlchemy would apply; the transaction is
begun on the driver under the same writer lock (`publisher.db.begin_on_driver`).

Where a message needs the ORM (a member's command), `connection` hands the same transaction
to SQLAlchemy, which carries on in it and commits it. On PostgreSQL, whose writers do not
queue on one lock, everything goes through SQLAlchemy as before.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from publisher.db import begin_on_driver, end_on_driver


class DriverStatement:
    """A Core statement compiled for one dialect and one set of parameter names."""

    def __init__(self, statement, dialect, names):
        compiled = statement.compile(dialect=dialect, column_keys=list(names))
        if compiled.insert_prefetch or compiled.update_prefetch:
            # A Python-side column default is computed by SQLAlchemy's execution context, which
            # this path skips: refuse rather than store a row without it.
            raise ValueError(f"{statement} needs Python-side defaults; run it through SQLAlchemy")
        if compiled.positiontup is None:
            raise ValueError(f"{dialect.name}'s driver takes named parameters; run it through SQLAlchemy")
        self.compiled = compiled
        self.sql = compiled.string
        # The dialect's own types (SQLite's DATETIME stores a fixed text format; the driver's
        # default adapter would drop a zero microsecond part and break text comparisons).
        self.order = [(name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                      for name in compiled.positiontup]
        columns = getattr(statement, "exported_columns", ())
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
        self.result_processors = processors if any(processors) else None

    def values(self, params: Mapping[str, Any]) -> tuple:
        bound = self.compiled.construct_params(params)
        return tuple(process(bound[name]) if process else bound[name] for name, process in self.order)


class DriverResult:
    """What the callers of `Connection.execute` read off its result: the same names."""

    def __init__(self, cursor, processors):
        self.cursor = cursor
        self.processors = processors

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    @property
    def inserted_primary_key(self) -> tuple:
        return (self.cursor.lastrowid,)

    def first(self):
        rows = self.cursor.fetchall()
        if not rows:
            return None
        row = rows[0]
        if self.processors:
            row = tuple(process(value) if process else value for process, value in zip(self.processors, row))
        return row

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]


_COMPILED: dict[tuple, DriverStatement] = {}


class WriteTransaction:
    """One write transaction on `connection` (checked out, not begun): `execute` as on a
    Connection; `connection` for the ORM, which then carries the transaction on. Commits on a
    clean exit, rolls back on an exception."""

    def __init__(self, connection: Connection):
        self._connection = connection
        self.on_driver = connection.dialect.name == "sqlite"
        self._cursor = None

    def __enter__(self) -> WriteTransaction:
        if self.on_driver:
            with self._as_sqlalchemy_errors("BEGIN IMMEDIATE", ()):
                begin_on_driver(self._connection)
            self._cursor = self._connection.connection.dbapi_connection.cursor()
        else:
            self._connection.begin()
        return self

    @property
    def dialect(self):
        return self._connection.dialect

    def execute(self, statement, params: Mapping[str, Any]):
        if not self.on_driver or self._connection.in_transaction():
            return self._connection.execute(statement, params)
        key = (statement, self._connection.dialect.name, tuple(params))
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = _COMPILED[key] = DriverStatement(statement, self._connection.dialect, params)
        values = compiled.values(params)
        with self._as_sqlalchemy_errors(compiled.sql, values):
            self._cursor.execute(compiled.sql, values)
        return DriverResult(self._cursor, compiled.result_processors)

    @property
    def connection(self) -> Connection:
        """The transaction as SQLAlchemy's: it adopts what was begun on the driver (the begin
        hook sees the writer lock held) and from here on every statement goes through it."""
        if not self._connection.in_transaction():
            self._connection.begin()
        return self._connection

    def __exit__(self, kind, error, traceback) -> None:
        if self._cursor is not None:
            self._cursor.close()
        if self._connection.in_transaction():
            transaction = self._connection.get_transaction()
            if kind is None:
                transaction.commit()
            else:
                transaction.rollback()
            return
        with self._as_sqlalchemy_errors("COMMIT" if kind is None else "ROLLBACK", ()):
            end_on_driver(self._connection, commit=kind is None)

    @contextmanager
    def _as_sqlalchemy_errors(self, statement: str, values: tuple) -> Iterator[None]:
        """The driver's errors raised as SQLAlchemy raises them (OperationalError for a full
        disk or a lock waited out, IntegrityError, …), so that callers see one kind either way."""
        driver_error = self._connection.dialect.loaded_dbapi.Error
        try:
            yield
        except driver_error as error:
            raise DBAPIError.instance(statement, values, error, driver_error) from error


@contextmanager
def write_transaction(engine: Engine) -> Iterator[WriteTransaction]:
    """A connection checked out for the block, and its one write transaction."""
    with engine.connect() as connection, WriteTransaction(connection) as write:
        yield write
