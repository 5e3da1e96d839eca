"""`govpost account add|list|show|disable`: accounts kept in the database, secrets only in the
environment or the secret file, the file's accounts governed by the file."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from publisher.account_secrets import env_names
from publisher.db import make_engine, make_session_factory
from publisher.models import Account, Topic
from publisher.runtime import Runtime
from publisher.settings import load_settings
from publisher.texts import accounts as texts
from publisher.texts import cli as cli_texts
from publisher.texts import config as config_texts
from publisher.texts.publishing import MODE_NAMES

SECRET = "east-app-secret-0123456789abcdef"
TOKEN = "easttoken123"
EAST = ["account", "add", "east", "--display-name", "东镇人民政府", "--appid", "wx00000000000000e1",
        "--mode", "mass", "--slots", "09:00,17:30"]


@pytest.fixture
def deployment(database_url, tmp_path):
    """A county deployment: one account in the file with real credentials (so no sandbox)."""
    config = tmp_path / "govpost.toml"
    config.write_text(
        f'database_url = "{database_url}"\nsecret_key = "county"\n'
        '[[accounts]]\nname = "west"\ndisplay_name = "西镇"\nappid = "wx00000000000000a1"\n'
        'secret = "west-secret-0123456789abcdef0"\ntoken = "westtoken1"\n',
        encoding="utf-8",
    )
    env = {"GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": "", "GOVPOST_SECRET_FILE": ""}
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    return config, env


def shown_line(key: str, value: str) -> str:
    """One line of `account show`: the Chinese label, the setting's key and the value."""
    return texts.SHOW_LINE.format(label=texts.SHOW_LABELS[key], key=key, value=value)


def run(args, env):
    return CliRunner().invoke(cli, args, env=env)


def rows(database_url):
    with make_session_factory(make_engine(database_url))() as session:
        return {a.name: a for a in session.scalars(select(Account))}


def with_east_secrets(env):
    names = env_names("east")
    return {**env, names["secret"]: SECRET, names["token"]: TOKEN}


def test_an_added_account_is_used_with_secrets_from_the_environment_and_never_printed(deployment, database_url,
                                                                                      monkeypatch):
    config, env = deployment
    env = with_east_secrets(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)  # what a process started with them has
    added = run(EAST, env)
    assert added.exit_code == 0, added.output
    assert added.output.strip() == texts.ADDED.format(name="east", display_name="东镇人民政府")

    east = rows(database_url)["east"]
    assert east.managed and east.slots == ["09:00", "17:30"] and east.mode == "mass"
    assert SECRET not in repr(vars(east)) and TOKEN not in repr(vars(east))
    with make_session_factory(make_engine(database_url))() as session:
        assert session.scalar(select(func.count()).select_from(Topic).where(Topic.account_id == east.id)) > 0

    runtime = Runtime.build(load_settings(config, env))
    merged = runtime.settings.account("east")
    assert [a.name for a in runtime.settings.accounts] == ["west", "east"]
    assert merged.secret == SECRET and merged.token == TOKEN and merged.mode == "mass"

    listing = run(["account", "list"], env).output.splitlines()
    assert listing[0].startswith("west\t") and listing[0].endswith(texts.SOURCE_FILE)
    assert listing[1].startswith(f"east\t东镇人民政府\twx00000000000000e1\t{MODE_NAMES['mass']}\t09:00,17:30\t")
    assert listing[1].endswith(texts.SOURCE_DATABASE)

    shown = run(["account", "show", "east"], env).output
    assert shown_line('secret', texts.SECRET_SET.format(source=texts.SECRET_SOURCE_NAMES['environment'])) in shown
    assert shown_line('aes_key', texts.SECRET_UNSET) in shown
    assert SECRET not in shown and TOKEN not in shown
    assert shown_line("mode", MODE_NAMES["mass"]) in shown
    assert shown_line("message_mode", texts.MESSAGE_MODE_NAMES["plain"]) in shown \
        or shown_line("message_mode", texts.MESSAGE_MODE_NAMES["safe"]) in shown


def test_account_show_names_every_setting_in_chinese_beside_its_key(deployment):
    _config, env = deployment
    lines = run(["account", "show", "west"], env).output.splitlines()
    labelled = [line.split("\t")[0] for line in lines]
    assert labelled and all(label == f"{texts.SHOW_LABELS[key]}（{key}）"
                            for label, key in zip(labelled, [lab.split("（")[1].rstrip("）") for lab in labelled]))
    assert not any(line.split("\t")[1] in ("mass", "freepublish", "plain", "safe", "compatible",
                                             "subscription", "service", "environment", "secret_file")
                   for line in lines)


def test_a_disabled_account_is_no_longer_used_but_keeps_its_row(deployment, database_url, monkeypatch):
    config, env = deployment
    env = with_east_secrets(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run(EAST, env).exit_code == 0
    disabled = run(["account", "disable", "east"], env)
    assert disabled.output.strip() == texts.DISABLED.format(name="east")
    assert [a.name for a in Runtime.build(load_settings(config, env)).settings.accounts] == ["west"]
    assert rows(database_url)["east"].disabled_at is not None
    assert run(["account", "list"], env).output.splitlines()[-1].endswith(texts.STATE_DISABLED)
    assert run(["account", "disable", "east"], env).output.strip() == texts.ALREADY_DISABLED.format(name="east")


def test_adding_an_account_without_its_secrets_is_refused_and_stores_nothing(deployment, database_url):
    _, env = deployment
    refused = run(EAST, env)
    assert refused.exit_code != 0
    names = env_names("east")
    assert texts.SECRETS_MISSING.format(name="east", fields="secret、token",
                                        env=f"{names['secret']}、{names['token']}") in refused.output
    assert "east" not in rows(database_url)


@pytest.mark.parametrize("args, expected", [
    (["account", "add", "west", "--display-name", "x", "--appid", "wx00000000000000b1"],
     texts.IN_CONFIG_FILE.format(name="west")),
    (["account", "disable", "west"], texts.IN_CONFIG_FILE.format(name="west")),
    (["account", "disable", "nobody"], texts.NOT_FOUND.format(name="nobody")),
    (["account", "show", "nobody"], texts.NOT_FOUND.format(name="nobody")),
])
def test_the_files_accounts_are_governed_by_the_file(deployment, args, expected):
    _, env = deployment
    result = run(args, with_east_secrets(env))
    assert result.exit_code != 0 and expected in result.output


@pytest.mark.parametrize("change, problem", [
    ({"--mode": "weekly"}, "mode: 应是 freepublish、mass 之一（现在是「weekly」）"),
    ({"--slots": "25:00"}, "slots"),
    ({"--appid": "not-an-appid"}, config_texts.APPID_FORM.format(label="account（east）")),
])
def test_a_bad_value_is_one_clear_line_and_stores_nothing(deployment, database_url, change, problem):
    _, env = deployment
    args = list(EAST)
    for option, value in change.items():
        args[args.index(option) + 1] = value
    result = run(args, with_east_secrets(env))
    assert result.exit_code != 0
    assert len([line for line in result.output.splitlines() if texts.BAD_VALUE.split("{")[0] in line]) == 1
    assert problem in result.output and "Traceback" not in result.output
    assert "east" not in rows(database_url)


def test_an_appid_already_used_is_refused(deployment, database_url):
    _, env = deployment
    args = list(EAST)
    args[args.index("--appid") + 1] = "wx00000000000000a1"
    result = run(args, with_east_secrets(env))
    assert result.exit_code != 0 and texts.APPID_TAKEN.format(appid="wx00000000000000a1", name="west") in result.output


def test_a_managed_account_whose_secrets_are_gone_stops_start_up_with_configuration_lines(deployment):
    _, env = deployment
    assert run(EAST, with_east_secrets(env)).exit_code == 0
    result = run(["account", "list"], env)
    assert result.exit_code == 2 and "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith(cli_texts.CONFIG_PROBLEM.split("{")[0])]
    assert problems and all("account（east）" in line for line in problems)


def test_secrets_from_a_secret_file_readable_by_its_owner_only(deployment, tmp_path, monkeypatch):
    config, env = deployment
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[accounts.east]\nsecret = "{SECRET}"\ntoken = "{TOKEN}"\n', encoding="utf-8")
    secrets.chmod(0o644)
    env = {**env, "GOVPOST_SECRET_FILE": str(secrets)}
    loose = run(EAST, env)
    assert loose.exit_code == 2
    assert [line for line in loose.output.splitlines() if line.startswith(cli_texts.CONFIG_PROBLEM.split("{")[0])] == [
        cli_texts.CONFIG_PROBLEM.format(
            problem=config_texts.SECRET_FILE_OPEN.format(file=secrets, mode=0o644))]
    secrets.chmod(0o600)
    assert run(EAST, env).exit_code == 0
    shown = run(["account", "show", "east"], env).output
    assert shown_line('token', texts.SECRET_SET.format(source=texts.SECRET_SOURCE_NAMES['secret_file'])) in shown and TOKEN not in shown
    monkeypatch.setenv("GOVPOST_SECRET_FILE", str(secrets))
    assert Runtime.build(load_settings(config, env)).settings.account("east").secret == SECRET


def test_an_added_account_keeps_its_author_line_and_footer_switch(deployment, database_url, monkeypatch):
    config, env = deployment
    env = with_east_secrets(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    added = run(EAST + ["--author", "东镇党政办", "--no-review-footer"], env)
    assert added.exit_code == 0, added.output

    assert (rows(database_url)["east"].author, rows(database_url)["east"].review_footer) == ("东镇党政办", False)
    merged = Runtime.build(load_settings(config, env)).settings.account("east")
    assert (merged.author, merged.review_footer) == ("东镇党政办", False)
    shown = run(["account", "show", "east"], env).output
    assert shown_line('author', '东镇党政办') in shown and shown_line('review_footer', texts.FOOTER_OFF) in shown


def test_an_added_account_without_an_author_line_publishes_as_its_display_name(deployment, database_url, monkeypatch):
    config, env = deployment
    env = with_east_secrets(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run(EAST, env).exit_code == 0

    merged = Runtime.build(load_settings(config, env)).settings.account("east")
    assert (merged.author, merged.review_footer) == ("东镇人民政府", True)
