"""Every command ends a failure with one 配置错误/错误 line and exit status 2, never a traceback
(bot/cli/failures.py is the one place that turns failures into lines)."""
from __future__ import annotations

import socket

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli
from publisher.texts import cli as texts
from publisher.texts import config as config_texts

# Long-running servers that never open the database before serving: not run here.
NOT_ON_THE_DATABASE = {"sandbox"}


def _leaf_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _leaf_commands(command, prefix + (name,))
        elif name not in NOT_ON_THE_DATABASE:
            yield prefix + (name,), command


def _example_value(param: click.Parameter, tmp_path) -> str:
    kind = param.type
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.IntRange):
        return str(kind.min or 1)
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return "1"
    if isinstance(kind, click.DateTime):
        return "2024-01-01" if "%Y-%m-%d" in kind.formats else "09:30"
    if isinstance(kind, click.Path):
        example = tmp_path / "example.csv"
        example.write_text("日期,渠道,话题,标题\n", encoding="utf-8")
        return str(example)
    return {"since_text": "2024-01-01", "quarter": "2025Q1"}.get(param.name, "x")


def command_lines(tmp_path):
    """Each command with its required arguments and options filled in with plausible values."""
    for path, command in _leaf_commands(cli):
        args = list(path)
        for param in command.params:
            if isinstance(param, click.Argument):
                args += [_example_value(param, tmp_path)] * (1 if param.nargs == -1 else param.nargs)
            elif isinstance(param, click.Option) and (param.required or param.prompt):
                args += [param.opts[0], _example_value(param, tmp_path)]
        if path == ("say",):
            args += ["--as", "张三", "--mode", "plain"]
        yield args


def _unreachable_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/govpost"


def assert_one_line_and_status_2(result, prefix: str):
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith(prefix), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("url, prefix", [
    ("garbage", "配置错误: "), ("mysql://x", "配置错误: "), (None, "错误: "),
])
def test_every_command_with_a_broken_database_url_ends_in_one_line_and_status_2(tmp_path, url, prefix):
    env = {"GOVPOST_DATABASE_URL": url or _unreachable_url(), "GOVPOST_CONFIG": ""}
    for args in command_lines(tmp_path):
        result = CliRunner().invoke(cli, args, env=env, input="x\nx\n")
        assert_one_line_and_status_2(result, prefix)


def test_a_database_server_that_refuses_is_named_with_its_url_in_chinese():
    url = _unreachable_url()
    result = CliRunner().invoke(cli, ["staff", "list"], env={"GOVPOST_DATABASE_URL": url, "GOVPOST_CONFIG": ""})
    assert_one_line_and_status_2(result, "错误: ")
    assert texts.DATABASE_UNUSABLE.format(url=url, reason=texts.DATABASE_REASONS["connection refused"]) \
        in result.output


def _local_postgres() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _local_postgres(), reason="no PostgreSQL server on 127.0.0.1:5432")
def test_a_postgresql_database_that_does_not_exist_is_one_line_not_a_traceback():
    url = "postgresql://postgres@127.0.0.1:5432/nonexistent_db"
    result = CliRunner().invoke(cli, ["staff", "list"], env={"GOVPOST_DATABASE_URL": url, "GOVPOST_CONFIG": ""})
    assert_one_line_and_status_2(result, "错误: ")
    assert texts.DATABASE_REASONS["does not exist"] in result.output


def test_unparsable_database_url_is_explained_in_chinese():
    result = CliRunner().invoke(cli, ["staff", "list"], env={"GOVPOST_DATABASE_URL": "garbage", "GOVPOST_CONFIG": ""})
    assert result.output.strip() == texts.CONFIG_PROBLEM.format(problem=config_texts.DATABASE_URL_UNPARSABLE)


def test_report_into_a_missing_directory_is_one_line_and_status_2(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    result = CliRunner().invoke(cli, ["report", "2024", "--format", "docx", "--out", "/nonexistent/dir/x.docx"],
                                env=env)
    assert_one_line_and_status_2(result, "错误: ")
    assert result.output.strip() == texts.ERROR_LINE.format(message=texts.FILE_FAILED.format(
        path="/nonexistent/dir/x.docx", reason=texts.FILE_REASONS["ENOENT"]))


def test_say_in_safe_mode_without_an_aes_key_is_a_configuration_line(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["say", "--mode", "safe", "--as", "张三", "你好"], env=env)
    assert_one_line_and_status_2(result, "配置错误: ")
    assert texts.SAY_NEEDS_AES_KEY.format(name="default", mode="safe") in result.output
