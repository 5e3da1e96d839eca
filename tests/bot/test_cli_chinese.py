"""What the command line shows a person is Chinese: click's own messages, --help, outputs."""
import inspect
import os
import socket
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from bot.cli import cli
from bot.cli.chinese_click import CLICK_MODULES
from publisher.texts import cli as texts
from publisher.texts.click import MESSAGES, PLURALS

COVERS = Path(__file__).resolve().parents[2] / "config" / "covers"


def test_clicks_range_error_is_chinese():
    result = CliRunner().invoke(cli, ["reach", "pull", "--pause", "-1"], env={"GOVPOST_CONFIG": ""})
    assert result.exit_code == 2
    assert "错误: '--pause' 的值无效: -1.0 不在 x>=0 范围内。" in result.output
    assert "Error" not in result.output and "Usage" not in result.output and "用法:" in result.output


def test_every_translated_click_message_is_still_one_click_uses():
    source = "".join(inspect.getsource(module) for module in CLICK_MODULES)
    missing = [m for m in list(MESSAGES) + [p for pair in PLURALS for p in pair] if repr(m)[1:-1] not in source
               and m not in source]
    assert missing == []


def _every_command(group: click.Group, path=()):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _every_command(command, path + (name,))
        else:
            yield path + (name,), command


def test_help_of_every_command_is_chinese():
    for path, command in _every_command(cli):
        shown = CliRunner().invoke(cli, [*path, "--help"]).output
        assert "Show this message" not in shown and "Usage:" not in shown, path
        summary = command.help or ""
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), (path, summary)
        for param in command.params:
            if isinstance(param, click.Option) and "--help" not in param.opts:
                assert param.help, (path, param.name)
                assert any("\u4e00" <= ch <= "\u9fff" for ch in param.help), (path, param.name, param.help)


def test_tick_reports_in_chinese(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    result = CliRunner().invoke(cli, ["tick"], env=env)
    assert result.exit_code == 0 and texts.TICK_DONE.format(count=0) in result.output


def test_say_sends_a_picture_with_a_chinese_file_name(live, tmp_path):
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{live.runtime.settings.database_url}"\n[[accounts]]\nname = "default"\n'
                      f'aes_key = "{live.account.aes_key}"\n', encoding="utf-8")
    env = {"GOVPOST_CONFIG": str(config), "GOVPOST_URL": live.url}
    code = live.invite("王五", "editor")
    assert CliRunner().invoke(cli, ["say", "--as", "王五", "绑定", code], env=env).exit_code == 0
    CliRunner().invoke(cli, ["say", "--as", "王五", "投稿", "#乡村振兴", "图片稿件"], env=env)

    sent = CliRunner().invoke(cli, ["say", "--as", "王五", "--image", str(COVERS / "民生改善.jpg")], env=env)

    assert sent.exit_code == 0, sent.output
    assert live.state()["rejected_uploads"] == []


def test_say_and_serve_read_one_govpost_url(live, tmp_path):
    # No --url: GOVPOST_URL names the running govpost.
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{live.runtime.settings.database_url}"\n[[accounts]]\nname = "default"\n'
                      f'aes_key = "{live.account.aes_key}"\n', encoding="utf-8")
    code = live.invite("赵六", "editor")
    bound = CliRunner().invoke(cli, ["say", "--as", "赵六", "绑定", code],
                               env={"GOVPOST_CONFIG": str(config), "GOVPOST_URL": live.url})
    assert bound.exit_code == 0 and "绑定成功" in bound.output, bound.output


def test_a_second_serve_on_a_busy_port_says_so_in_one_line_before_announcing_anything(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)], env=env)
    assert result.exit_code == 2
    assert result.output.strip() == texts.ERROR_LINE.format(message=texts.PORT_BUSY.format(host="127.0.0.1", port=port))


def test_log_lines_are_in_the_configured_time_zone(tmp_path):
    script = ("import logging; from bot.cli.context import CliContext; from bot.logs import configure_logging; "
              "configure_logging(); CliContext(None).settings; logging.getLogger('govpost').warning('hello')")
    env = {**os.environ, "GOVPOST_CONFIG": "", "TZ": "UTC", "GOVPOST_TIMEZONE": "Asia/Shanghai"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert "+0800 WARNING govpost: hello" in done.stderr, done.stderr
