"""The ledger and register ids are numbered across accounts; a command given an id acts only in
its account (the first, or `--account`), so an id typed for the wrong township changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from publisher.db import make_engine, make_session_factory
from publisher.models import DisclosureApplication, LedgerEntry
from publisher.texts import ledger as texts

TOWNS = "".join(
    f'[[accounts]]\nname = "{name}"\ndisplay_name = "{display}"\nappid = "wx00000000000000{suffix}"\n'
    f'secret = "{name}-secret-0123456789abcdef0"\ntoken = "{name}token12"\n'
    for name, display, suffix in [("west", "西镇", "a1"), ("east", "东镇", "e1")])


@pytest.fixture
def county(database_url, tmp_path):
    """Two townships in one file; one ledger row and one open application in the second (east)."""
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{database_url}"\nsecret_key = "county"\nsandbox_mode = true\n' + TOWNS,
                      encoding="utf-8")
    env = {"GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": "", "GOVPOST_SECRET_FILE": ""}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    for args in (["ledger", "add", "--account", "east", "--day", "2024-03-01", "--channel", "广播",
                  "--topic", "平安建设", "--title", "森林防火"],
                 ["register", "application", "natural", "--account", "east", "--received", "2024-03-01"]):
        done = runner.invoke(cli, args, env=env)
        assert done.exit_code == 0, done.output
    engine = make_engine(database_url)
    yield runner, env, make_session_factory(engine)
    engine.dispose()


def _rows(session_factory):
    with session_factory() as session:
        entry = session.scalars(select(LedgerEntry)).one()
        application = session.scalars(select(DisclosureApplication)).one()
        return (entry.title, entry.deleted_at), (application.outcome, application.closed_on)


@pytest.mark.parametrize("command", [
    ["ledger", "delete", "1"],
    ["ledger", "correct", "1", "--title", "改错了"],
], ids=["delete", "correct"])
def test_a_ledger_id_of_another_account_is_not_found_and_nothing_changes(county, command):
    runner, env, session_factory = county
    before = _rows(session_factory)

    refused = runner.invoke(cli, command, env=env)

    assert refused.exit_code == 1
    assert texts.ENTRY_NOT_FOUND.format(id=1, account="west") in refused.output
    assert _rows(session_factory) == before


def test_closing_an_application_of_another_account_is_refused_and_nothing_changes(county):
    runner, env, session_factory = county
    before = _rows(session_factory)

    refused = runner.invoke(cli, ["register", "close-application", "1", "--outcome", "not_held",
                                  "--closed", "2024-03-20"], env=env)

    assert refused.exit_code == 1
    assert texts.RECORD_NOT_FOUND.format(id=1, account="west") in refused.output
    assert _rows(session_factory) == before


def test_with_the_rows_account_named_the_same_commands_act(county):
    runner, env, session_factory = county

    deleted = runner.invoke(cli, ["ledger", "delete", "1", "--account", "east"], env=env)
    closed = runner.invoke(cli, ["register", "close-application", "1", "--account", "east", "--outcome",
                                 "not_held", "--closed", "2024-03-20"], env=env)

    assert deleted.exit_code == 0, deleted.output
    assert closed.exit_code == 0, closed.output
    (_, deleted_at), application = _rows(session_factory)
    assert deleted_at is not None
    assert application == ("not_held", date(2024, 3, 20))
