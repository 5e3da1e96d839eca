"""Resources (issue 16): the database refusing writes as a full disk does, and PostgreSQL
connections killed mid-run. Clear errors, nothing half-written, work resumes once the
resource is back.

A full disk is injected where SQLite reports it: every INSERT or UPDATE fails with
sqlite3.OperationalError "database or disk is full" (SQLITE_FULL) while the disk is
"full". Pictures live in the database (post_images), so this is also the image store
filling up.
"""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from bot.commands import dispatch
from publisher.services.accounts import sync_accounts
from publisher.core.clock import FixedClock
from publisher.db import BUSY_TIMEOUT_SECONDS, make_engine, make_session_factory, transaction
from publisher.models import InboundMessage, LedgerEntry, Post
from publisher.publishing.runner import run_publishing_pass
from publisher.runtime import Runtime
from publisher.sandbox import build_text_message
from publisher.wechat import parse_message
from tests.conftest import BEIJING
from tests.fakes import sandbox_gateways
from tests.publishing_support import add_staff, post_row, publishing_settings, queue_post, run_until_settled

from .databases import throwaway_database
from .invariants import drain_tasks, end_state_problems

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)


class FullDisk:
    """Makes SQLite's writes fail as a full disk makes them fail, while `on`: at the driver
    (sqlite3), so that statements SQLAlchemy sends and those the webhook runs on the driver
    itself (publisher.driver_write) fail alike."""

    def __init__(self):
        self.on = False
        self.writes_left: int | None = None
        self.refused = 0

    def fill_after(self, writes: int) -> None:
        self.on, self.writes_left = False, writes

    def connect_args(self) -> dict:
        """For make_engine: the driver's connections, with their cursors, refusing writes."""
        disk = self

        class Cursor(sqlite3.Cursor):
            def execute(self, statement, parameters=()):
                disk.write(statement)
                return super().execute(statement, parameters)

            def executemany(self, statement, rows):
                disk.write(statement)
                return super().executemany(statement, rows)

        class Connection(sqlite3.Connection):
            def cursor(self, factory=Cursor):
                return super().cursor(factory)

            def execute(self, statement, parameters=()):
                return self.cursor().execute(statement, parameters)

        return {"factory": Connection, "timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}

    def write(self, statement: str) -> None:
        if not statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            return
        if self.writes_left is not None:
            self.writes_left -= 1
            if self.writes_left < 0:
                self.on, self.writes_left = True, None
        if self.on:
            self.refused += 1
            raise sqlite3.OperationalError("database or disk is full")


def _runtime(url: str, sandbox_url: str, clock, disk: FullDisk | None = None) -> Runtime:
    settings = publishing_settings(url, sandbox_url)
    engine = make_engine(url, **({"connect_args": disk.connect_args()} if disk else {}))
    runtime = Runtime(settings, engine, make_session_factory(engine), clock, gateway_factory=sandbox_gateways)
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, settings, clock)
    return runtime


def _half_written(runtime, posts) -> list[str]:
    """Posts whose rows disagree: published without its ledger row, or the reverse."""
    with runtime.session_factory() as session:
        ledger = set(session.scalars(select(LedgerEntry.post_id)))
        return [f"{p.title}: {p.status}, ledger row {p.id in ledger}" for p in session.scalars(
            select(Post).where(Post.id.in_(posts))) if (p.status == "published") != (p.id in ledger)]


def _pass_as_the_worker_does(runtime) -> None:
    """One scheduler pass; like the scheduler's job wrapper, an error ends the pass only."""
    try:
        run_publishing_pass(runtime, "w")
    except OperationalError:
        pass


def test_disk_full_during_publishing_writes_nothing_half_and_publishes_once_when_space_is_back(
    tmp_path, sandbox_server, request
):
    request.node.user_properties.append(("case", {"fault": "disk full (SQLITE_FULL) on the database",
                                                  "step": "every step, then space back", "mode": "freepublish"}))
    clock = FixedClock(NOON)
    with throwaway_database("sqlite", tmp_path) as url:
        disk = FullDisk()
        runtime = _runtime(url, sandbox_server.url, clock, disk)
        author = add_staff(runtime)
        posts = [queue_post(runtime, f"磁盘满-{i}", author_id=author, body_picture=True) for i in range(2)]
        # The disk fills after a few more writes each time, so that it is full at a
        # different step of the pipeline: bundling, an upload's id, the draft, the submit.
        for writes in (0, 3, 6, 9, 12, 15):
            disk.fill_after(writes)
            for _ in range(2):
                _pass_as_the_worker_does(runtime)
                clock.advance(minutes=1)
            disk.fill_after(10**9)
            assert _half_written(runtime, posts) == []
        assert disk.refused > 0
        run_until_settled(runtime, clock, passes=40)
        drain_tasks(runtime, clock)
        assert end_state_problems(runtime, sandbox_server.app.extensions["sandbox"], posts) == []
        assert [post_row(runtime, p).status for p in posts] == ["published", "published"]
        runtime.engine.dispose()


def test_message_arriving_while_the_disk_is_full_is_not_half_kept_and_its_retry_is_acted_on_once(tmp_path, request):
    request.node.user_properties.append(("case", {"fault": "disk full (SQLITE_FULL) on the database",
                                                  "step": "webhook message, WeChat's retry", "mode": "—"}))
    clock = FixedClock(NOON)
    with throwaway_database("sqlite", tmp_path) as url:
        disk = FullDisk()
        runtime = _runtime(url, "http://127.0.0.1:9/", clock, disk)
        add_staff(runtime)
        xml = build_text_message("gh_township", "o-张三-openid", "登记 #乡村振兴 磁盘满时登记", msg_id=4242,
                                 create_time=int(clock.now().timestamp()))
        disk.on = True
        # The webhook answers 500 to an exception, and WeChat delivers the message again.
        with pytest.raises(OperationalError, match="database or disk is full"):
            dispatch.handle_message(runtime, "default", parse_message(xml), xml)
        disk.on = False
        with runtime.session_factory() as session:
            assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
            assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0

        first = dispatch.handle_message(runtime, "default", parse_message(xml), xml)
        again = dispatch.handle_message(runtime, "default", parse_message(xml), xml)

        assert first == again and "磁盘满时登记" in first
        with runtime.session_factory() as session:
            assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        runtime.engine.dispose()


def test_postgresql_connections_killed_mid_run_resume_and_publish_once(tmp_path, sandbox_server, request):
    request.node.user_properties.append(("case", {"fault": "pg_terminate_backend every 50 ms",
                                                  "step": "every step", "mode": "freepublish, PostgreSQL"}))
    clock = FixedClock(NOON)
    with throwaway_database("postgresql", tmp_path) as url:
        runtime = _runtime(url, sandbox_server.url, clock)
        author = add_staff(runtime)
        posts = [queue_post(runtime, f"断线-{i}", author_id=author, body_picture=True) for i in range(4)]
        sandbox_server.fault(path="*", delay=0.05, times=10_000)
        admin = make_engine(url)
        stop, killed = threading.Event(), []

        def kill_connections():
            with admin.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                while not stop.wait(0.05):
                    killed.extend(connection.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalars())

        killer = threading.Thread(target=kill_connections, daemon=True)
        killer.start()
        try:
            for _ in range(20):
                _pass_as_the_worker_does(runtime)
                clock.advance(minutes=1)
        finally:
            stop.set()
            killer.join(timeout=10)
        sandbox_server.app.extensions["sandbox"].faults.clear()
        assert killed, "no connection was killed"

        run_until_settled(runtime, clock, passes=40)
        drain_tasks(runtime, clock)
        assert end_state_problems(runtime, sandbox_server.app.extensions["sandbox"], posts) == []
        assert {post_row(runtime, p).status for p in posts} == {"published"}
        runtime.engine.dispose()
        admin.dispose()
