"""Database URLs and engine options: psycopg 3 for every spelling of PostgreSQL, one readable
line for a URL govpost cannot use, pool size and statement timeout from the settings."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.cli import cli
from publisher.db import DatabaseUrlError, database_url, make_engine
from publisher.runtime import Runtime
from publisher.settings import SettingsError, settings_from_mapping
from publisher.texts import cli as texts
from publisher.texts import config as config_texts

# The machine's (and CI's) PostgreSQL server; the test database URL when one is given.
SERVER = os.environ.get("GOVPOST_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_engine(url: str, **kwargs):
    engine = make_engine(url, **kwargs)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        engine.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"the PostgreSQL tests need the server at {SERVER}")
        pytest.skip(f"no PostgreSQL server at {SERVER}")
    return engine


@pytest.mark.parametrize("spelling", ["postgresql://", "postgres://", "postgresql+psycopg2://", "postgresql+psycopg://"])
def test_every_spelling_of_postgresql_uses_psycopg_3(spelling):
    assert database_url(f"{spelling}u@h/db").drivername == "postgresql+psycopg"


def test_plain_postgresql_url_connects():
    plain = database_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)
    engine = postgres_engine(plain)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_statement_timeout_and_pool_size_reach_the_engine():
    settings = settings_from_mapping(
        {"database_url": SERVER, "database": {"pool_size": 3, "statement_timeout_ms": 250}}, {})
    runtime = Runtime.build(settings)
    engine = postgres_engine(runtime.engine.url.render_as_string(hide_password=False),
                             pool_size=settings.database_pool_size,
                             statement_timeout_ms=settings.database_statement_timeout_ms)
    assert runtime.engine.pool.size() == 3
    with runtime.engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "250ms"
    with pytest.raises(OperationalError, match="statement timeout"), engine.connect() as connection:
        connection.execute(text("SELECT pg_sleep(2)"))
    engine.dispose()
    runtime.engine.dispose()


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url", "postgresql+asyncpg://u@h/db"])
def test_unusable_database_url_is_refused(url):
    with pytest.raises(DatabaseUrlError):
        database_url(url)
    with pytest.raises(SettingsError) as refused:
        settings_from_mapping({"database_url": url}, {})
    assert [p for p in refused.value.problems if p.startswith("database_url")]


def test_bad_database_url_is_one_configuration_line_not_a_traceback(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('database_url = "mysql://u:secret@h/db"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line.startswith("配置错误")] == [
        texts.CONFIG_PROBLEM.format(problem=config_texts.DATABASE_URL_UNSUPPORTED.format(driver="mysql"))]
    assert "secret" not in result.output and "Traceback" not in result.output
