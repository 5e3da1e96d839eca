"""Helpers shared by the suites: a real HTTP server for a WSGI app, bounded polling, the
processes of the end-to-end suites, running background tasks, and sample WeChat values.
(The fakes that stand in for WeChat are in tests/fakes.py.)"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from datetime import time as clock_time
from datetime import timedelta, timezone
from pathlib import Path

import pytest
import requests
from sqlalchemy import event, select
from werkzeug.serving import make_server

from publisher.background.jobs import run_due_tasks
from publisher.models import PostImage
from publisher.settings import AccountSettings
from publisher.wechat.tokens import FetchedToken


class LiveServer:
    """A WSGI app on 127.0.0.1 with a free port, in a background thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        # A short poll interval: shutdown() waits for it, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_until(check: Callable, timeout: float = 15.0, interval: float = 0.01):
    """Poll `check` until it returns something truthy; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail("condition not met before the deadline")
        time.sleep(interval)


BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def db_upgrade(env: dict) -> None:
    """`govpost db upgrade` with `env`, in this process: the migrated database stays as it is
    and the configured accounts get their rows, without a process that spends a second and a
    half importing (more on a busy machine) before doing that."""
    from click.testing import CliRunner

    from bot.cli import cli

    result = CliRunner().invoke(cli, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def start_process(args, env) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_http(url: str, process: subprocess.Popen) -> None:
    def up():
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited: {process.stdout.read()}")
        try:
            return requests.get(url, timeout=1).ok
        except requests.RequestException:  # not listening yet, or its workers still booting
            return False

    wait_until(up, timeout=60, interval=0.2)


def run_tasks_until_settled(runtime, rounds: int = 20) -> None:
    """Run due background tasks, moving the clock past any backoff, until none is due."""
    for _ in range(rounds):
        runtime.clock.advance(minutes=31)
        if not run_due_tasks(runtime):
            return


def cover_saved(live, post_id: int) -> bool:
    with live.runtime.session_factory() as session:
        return bool(session.scalar(select(PostImage.data).where(PostImage.post_id == post_id)))


def next_slot(now: datetime, settings) -> datetime:
    local = now.astimezone(settings.timezone)
    for days in (0, 1):
        for slot in settings.default_account.slots:
            moment = datetime.combine(local.date() + timedelta(days=days), slot, settings.timezone)
            if moment > now:
                return moment
    raise AssertionError("no slot in two days")


# A configured account and a staff member's text message, for the webhook's own tests.
WECHAT_ACCOUNT = AccountSettings(
    name="default",
    display_name="测试镇",
    appid="wx5a4db0c0ffee0001",
    secret="s" * 32,
    token="govposttoken",
    aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    mode="freepublish",
    account_type="subscription",
    slots=(clock_time(12, 0),),
)

STAFF_TEXT_XML = """<xml><ToUserName><![CDATA[gh_township]]></ToUserName>
<FromUserName><![CDATA[oStaff0000000000000000000001]]></FromUserName>
<CreateTime>1740800000</CreateTime><MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[新建 乡村振兴]]></Content><MsgId>24000000000000001</MsgId></xml>"""


# The token store suites: a token endpoint that counts its calls, and callers at once.

APPID = "wx00000000000000aa"
T0 = datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)


class CountingFetch:
    """A token endpoint that is slow enough for concurrent callers to overlap."""

    def __init__(self, delay: float = 0.0, expires_in: int = 7200):
        self.calls: list[bool] = []
        self.delay = delay
        self.expires_in = expires_in
        self._lock = threading.Lock()

    def __call__(self, force_refresh: bool) -> FetchedToken:
        with self._lock:
            self.calls.append(force_refresh)
            number = len(self.calls)
        time.sleep(self.delay)
        return FetchedToken(f"token-{number}", self.expires_in)


class StableFetch(CountingFetch):
    """Like stable_token: the same token on every non-forced call, a new one when forced."""

    def __call__(self, force_refresh: bool) -> FetchedToken:
        with self._lock:
            self.calls.append(force_refresh)
            if force_refresh or not hasattr(self, "current"):
                self.current = f"token-{self.calls.count(True) + 1}"
            return FetchedToken(self.current, self.expires_in)


def ask_at_once(store, fetch, callers: int = 8) -> list[str]:
    barrier = threading.Barrier(callers)
    results: list[str] = []
    errors: list[BaseException] = []

    def caller():
        barrier.wait()
        try:
            results.append(store.get(APPID, fetch))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    return results


@contextmanager
def counting(engine):
    """Every SQL statement the engine sends while the block runs (BEGIN, SAVEPOINT and RELEASE
    count; an executemany counts once; COMMIT and ROLLBACK, one a transaction, do not).

    What goes through SQLAlchemy is counted by its events. On SQLite, what the webhook runs on
    the driver itself (publisher.driver_write) is counted where SQLite runs it, by the
    driver's trace callback, which leaves out what SQLAlchemy is running at that moment (it
    counted it already); its text carries the values."""
    statements: list[str] = []
    through_sqlalchemy = threading.local()

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
        through_sqlalchemy.now = True

    def after(*_args):
        through_sqlalchemy.now = False

    def trace(statement: str) -> None:
        if getattr(through_sqlalchemy, "now", False) or statement.startswith(("COMMIT", "ROLLBACK", "--")):
            return  # "--": a trigger's statement, inside another
        statements.append(statement)

    traced = []

    def checkout(dbapi_connection, record, proxy):
        dbapi_connection.set_trace_callback(trace)
        traced.append(dbapi_connection)

    listeners = [("before_cursor_execute", before), ("after_cursor_execute", after), ("handle_error", after)]
    if engine.dialect.name == "sqlite":
        # A connection already out would be missed: every block starts with none.
        assert engine.pool.checkedout() == 0, "counting() began while a connection of the engine was checked out"
        listeners.append(("checkout", checkout))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield statements
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
        for dbapi_connection in traced:
            dbapi_connection.set_trace_callback(None)
