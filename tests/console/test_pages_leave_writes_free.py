"""A console page reads without SQLite's write lock: a report download that takes a minute
(a million-row XLSX) must not hold the webhook's and the scheduler's writes behind it, which
would wait the 30 s busy timeout and fail."""
from __future__ import annotations

import threading

import pytest

from sqlalchemy import event, update

import bot.console.views.report as report_view
from publisher.db import transaction
from publisher.models import Account

from tests.conftest import POSTGRES_URL

from .conftest import console_get_paths

WRITE_WAIT_SECONDS = 5  # far below the busy timeout a held lock would make it wait


def _write_in_another_thread(runtime) -> bool:
    """Whether a write transaction of another thread commits while the caller's request runs."""
    done = threading.Event()

    def write():
        with transaction(runtime.session_factory) as session:
            session.execute(update(Account).where(Account.id == -1).values(name="x"))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(WRITE_WAIT_SECONDS)


def test_a_report_download_lets_another_thread_write_while_it_renders(signed_in, runtime, monkeypatch):
    real_write = report_view.write
    written_meanwhile = []

    def write_slowly(built, fmt, file):
        written_meanwhile.append(_write_in_another_thread(runtime))
        return real_write(built, fmt, file)

    monkeypatch.setattr(report_view, "write", write_slowly)
    for fmt in ("xlsx", "docx"):
        assert signed_in.get(f"/report/download/{fmt}?year=2024").status_code == 200
    assert written_meanwhile == [True, True]


@pytest.mark.skipif(bool(POSTGRES_URL), reason="BEGIN IMMEDIATE, the write lock, is SQLite's")
def test_no_console_page_begins_a_write_transaction(app, signed_in, db_engine):
    begun, pages_that_read = [], []

    def record(conn, cursor, statement, *rest):
        if statement.startswith("BEGIN"):
            begun.append(statement)

    event.listen(db_engine, "before_cursor_execute", record)
    try:
        for path in console_get_paths(app, {}):
            begun.clear()
            signed_in.get(path)
            assert "BEGIN IMMEDIATE" not in begun, path
            pages_that_read += [path] if begun else []
    finally:
        event.remove(db_engine, "before_cursor_execute", record)
    assert "/report" in pages_that_read and "/posts" in pages_that_read  # they read, without the lock
