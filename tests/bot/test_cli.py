import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from publisher.db import make_engine, make_session_factory
from publisher.models import Staff
from publisher.texts.click import MESSAGES

SPEC_COMMANDS = {"serve", "web", "worker", "tick", "db", "staff", "admin", "report", "import-history",
                 "ledger", "account", "sandbox", "say"}


@pytest.fixture
def env(database_url, tmp_path):
    return {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}


def run(args, env, **kwargs):
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False, **kwargs)


def test_help_lists_every_command_of_the_spec():
    result = CliRunner().invoke(cli, ["--help"])
    listed = {line.split()[0] for line in result.output.split(MESSAGES["Commands"] + ":")[1].splitlines() if line.strip()}
    assert SPEC_COMMANDS <= listed


def test_db_upgrade_then_invite_prints_the_code_last(env, database_url):
    assert run(["db", "upgrade"], env).exit_code == 0
    result = run(["staff", "invite", "李四", "--role", "reviewer"], env)
    assert result.exit_code == 0
    code = result.output.strip().splitlines()[-1]
    assert len(code) == 8 and code.isalnum()
    listing = run(["staff", "list"], env).output
    assert "李四" in listing and "审核人" in listing and "未绑定" in listing
    with make_session_factory(make_engine(database_url))() as session:
        assert session.scalars(select(Staff.name)).all() == ["李四"]


def test_admin_create_takes_password_for_scripts(env):
    run(["db", "upgrade"], env)
    assert run(["admin", "create", "wang", "--password", "a-long-password"], env).exit_code == 0
    again = CliRunner().invoke(cli, ["admin", "create", "wang", "--password", "a-long-password"], env=env)
    assert again.exit_code != 0 and "已存在" in again.output


def test_bad_configuration_stops_with_one_line_per_problem(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('timezone = "Nowhere/City"\n[[accounts]]\nname = "default"\nslots = ["25:00"]\n',
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith("配置错误")]
    assert len(problems) == 2


@pytest.mark.parametrize("args", [["staff", "list"], ["ledger", "list"], ["report", "2024", "--format", "json"],
                                  ["register", "list"]])
def test_a_database_never_upgraded_gets_the_command_that_fixes_it_not_a_traceback(tmp_path, args):
    env = {"GOVPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "GOVPOST_CONFIG": ""}

    result = CliRunner().invoke(cli, args, env=env)

    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert "还没有建好，或不是最新结构。请先运行 `govpost db upgrade`" in result.output
    assert run(["db", "upgrade"], env).exit_code == 0
    assert CliRunner().invoke(cli, args, env=env).exit_code == 0
