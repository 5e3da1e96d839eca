"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when GOVPOST_TEST_DATABASE_URL
is set), a clock that only moves when told, the runtime and the Flask app built from them.

Tests that touch the database are marked `db` automatically, so that `.ci/run` can run
exactly those again against the real PostgreSQL server.
"""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from publisher.services import console_users, staff
from publisher.services.accounts import sync_accounts
from publisher.core.clock import FixedClock
from publisher.db import database_url as database_url_for_engine
from publisher.db import make_engine, make_session_factory, transaction
from publisher.migrate import upgrade
from publisher.models import Base
from publisher.runtime import Runtime
from publisher.settings import settings_from_mapping
from tests.fakes import sandbox_gateways

BEIJING = ZoneInfo("Asia/Shanghai")
POSTGRES_URL = os.environ.get("GOVPOST_TEST_DATABASE_URL")
DB_FIXTURES = {"database_url", "db_engine", "session_factory", "runtime", "app", "client"}


def pytest_collection_modifyitems(items):  # before `-m` deselects: it selects the db marks set here
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
    # The tests that start processes (`slow`, seconds each) first, each part in its own order:
    # xdist hands tests out a few at a time in this order, and a slow one near the end is a
    # tail one worker runs while the others have nothing left.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Each test builds its own Flask app (its own runtime and database), and werkzeug compiles two
# URL-building functions per rule with Python's compile(): about 0.1 s of every app test's setup,
# the same code each time. The code depends only on the rule's text, parsed parts and defaults,
# so it is compiled once per worker and shared; matching and building are werkzeug's own.
_compile_builder = Rule._compile_builder
_builders: dict = {}


def _compile_builder_once(rule: Rule, append_unknown: bool = True):
    defaults = tuple(sorted((str(k), repr(v)) for k, v in (rule.defaults or {}).items()))
    key = (rule.rule, tuple(rule._trace), defaults, append_unknown)
    if key not in _builders:
        _builders[key] = _compile_builder(rule, append_unknown)
    return _builders[key]


Rule._compile_builder = _compile_builder_once


class _TemplatesCompiledOnce(BytecodeCache):
    """Jinja's bytecode cache in memory: each test's app compiles the console's templates again
    otherwise. A bucket is keyed by the template's name and the checksum of its source."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _TemplatesCompiledOnce()}


# A cheap scrypt (n=256) for the logins tests make: werkzeug's default costs 0.1-0.2 s of CPU per
# hash and per check, about a minute of the suite. A hash names its own cost, so checks get cheap
# too. Tests marked `real_password_hashing`, and every `govpost` process the e2e tests start,
# hash at the shipped cost.
CHEAP_PASSWORD_HASH = partial(generate_password_hash, method="scrypt:256:8:1")


@pytest.fixture(autouse=True)
def _cheap_password_hashing(request, monkeypatch):
    if request.node.get_closest_marker("real_password_hashing") is None:
        for module in (staff, console_users):
            monkeypatch.setattr(module, "generate_password_hash", CHEAP_PASSWORD_HASH)


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory):
    """Migrated once per run: a template SQLite file, or a throwaway PostgreSQL database."""
    if POSTGRES_URL:
        server = database_url_for_engine(POSTGRES_URL)
        name = f"govpost_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)


@pytest.fixture
def database_url(_migrated_database, tmp_path):
    if POSTGRES_URL:
        yield _migrated_database
        engine = make_engine(_migrated_database)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "govpost.db"
        shutil.copy(_migrated_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(db_engine):
    return make_session_factory(db_engine)


@pytest.fixture
def clock():
    return FixedClock(datetime(2024, 3, 1, 10, 0, tzinfo=BEIJING))


def make_settings(database_url: str, **overrides):
    raw = {
        "database_url": database_url,
        "secret_key": "test-secret-key",
        "sandbox": {"publish_delay": 0, "token_ttl": 7200},
        "webhook": {"timestamp_window": 0},
        "accounts": [{"name": "default", "display_name": "优干宁镇人民政府", "slots": ["12:00", "18:00"]}],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **value}
        else:
            raw[key] = value
    return settings_from_mapping(raw, {})


@pytest.fixture
def settings(database_url):
    return make_settings(database_url)


@pytest.fixture
def runtime(settings, db_engine, session_factory, clock):
    runtime = Runtime(settings, db_engine, session_factory, clock)
    with transaction(session_factory) as session:
        sync_accounts(session, settings, clock)
    return runtime


@pytest.fixture
def account(runtime):
    from publisher.services.accounts import account_by_name

    with runtime.session_factory() as session:
        return account_by_name(session, "default")


@pytest.fixture
def app(runtime):
    from bot.app import create_app

    app = create_app(runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# The publishing suites' sandbox and runtime (helpers in tests/publishing_support.py).


@pytest.fixture
def sandbox_server(database_url):
    from tests.publishing_support import LiveSandbox  # it builds on make_settings, above

    server = LiveSandbox(make_settings(database_url))
    yield server
    server.close()


@pytest.fixture
def make_runtime(database_url, db_engine, session_factory, clock, sandbox_server):
    """A runtime talking to the live sandbox, with the account configured as asked."""
    from tests.publishing_support import publishing_settings

    def build(**account) -> Runtime:
        settings = publishing_settings(database_url, sandbox_server.url, **account)
        runtime = Runtime(settings, db_engine, session_factory, clock, gateway_factory=sandbox_gateways)
        with transaction(session_factory) as session:
            sync_accounts(session, settings, clock)
        return runtime

    return build
