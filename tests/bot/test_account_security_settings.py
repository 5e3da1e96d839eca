"""Start-up refuses the account settings that would open the webhook (issue 9, F1 and F3): an
unknown message mode, an encrypted mode without a key, and, once any account talks to the real
WeChat, an account without a Token. Each is one 配置错误 line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import cli
from publisher.settings import EXAMPLE_CONFIG_PATH, load_settings, settings_from_mapping

REAL = '[[accounts]]\nname = "default"\nappid = "wx0123456789abcdef"\nsecret = "s3cr3t"\ntoken = "townToken1"\n'
KEY = "A" * 43


def problems(tmp_path, toml: str) -> list[str]:
    config = tmp_path / "govpost.toml"
    config.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "db", "upgrade"])
    return [line for line in result.output.splitlines() if line.startswith("配置错误")]


@pytest.mark.parametrize("second", [
    pytest.param('[[accounts]]\nname = "town2"\n', id="no-credentials-at-all"),
    pytest.param('[[accounts]]\nname = "town2"\ntoken = ""\naes_key = "' + KEY + '"\n', id="key-but-no-token"),
])
def test_an_account_without_a_token_beside_a_real_one_stops_start_up(tmp_path, second):
    lines = problems(tmp_path, REAL + second)
    assert len(lines) == 1 and "town2" in lines[0] and "token" in lines[0].lower()


def test_sandbox_accounts_without_tokens_still_start_each_with_the_sandbox_token(tmp_path):
    settings = settings_from_mapping({"accounts": [{"name": "default"}, {"name": "town2"}]}, {})
    assert settings.sandbox_mode and all(a.token for a in settings.accounts)


@pytest.mark.parametrize("line, needle", [
    pytest.param('message_mode = "secure"\naes_key = "' + KEY + '"\n', "message_mode", id="unknown-mode"),
    pytest.param('message_mode = "safe"\n', "aes_key", id="safe-without-key"),
    pytest.param('message_mode = "compatible"\n', "aes_key", id="compatible-without-key"),
])
def test_a_bad_message_mode_stops_start_up_with_one_line(tmp_path, line, needle):
    lines = problems(tmp_path, '[[accounts]]\nname = "default"\n' + line)
    assert len(lines) == 1 and needle in lines[0]


@pytest.mark.parametrize("table, mode", [
    ({"name": "default", "aes_key": KEY}, "safe"),
    ({"name": "default"}, "plain"),
    ({"name": "default", "aes_key": KEY, "message_mode": "compatible"}, "compatible"),
    ({"name": "default", "aes_key": KEY, "message_mode": "plain"}, "plain"),
])
def test_the_message_mode_is_safe_by_default_when_a_key_is_set(table, mode):
    assert settings_from_mapping({"accounts": [table]}, {}).default_account.message_mode == mode


def test_the_environment_sets_the_first_accounts_message_mode():
    settings = settings_from_mapping({"accounts": [{"name": "default", "aes_key": KEY}]},
                                     {"WECHAT_MESSAGE_MODE": "compatible"})
    assert settings.default_account.message_mode == "compatible"


def test_the_example_configuration_documents_message_mode():
    text = EXAMPLE_CONFIG_PATH.read_text(encoding="utf-8")
    assert 'message_mode = ""' in text and "WECHAT_MESSAGE_MODE" in text
    assert load_settings(EXAMPLE_CONFIG_PATH, environ={}).default_account.message_mode == "plain"
