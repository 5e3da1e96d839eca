import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.sandbox_chat import openid_for
from publisher.texts import cli as texts


def test_say_binds_and_drafts_against_a_running_webhook(live, tmp_path):
    config = tmp_path / "govpost.toml"
    config.write_text(
        f'database_url = "{live.runtime.settings.database_url}"\n'
        f'[[accounts]]\nname = "default"\naes_key = "{live.account.aes_key}"\n', encoding="utf-8")
    runner = CliRunner()
    env = {"GOVPOST_CONFIG": str(config)}
    code = live.invite("王五", "editor")

    bound = runner.invoke(cli, ["say", "--as", "王五", "--url", live.url, "绑定", code], env=env)
    assert bound.exit_code == 0, bound.output
    assert "绑定成功" in bound.output
    opened = runner.invoke(cli, ["say", "--as", "王五", "--url", live.url, "投稿", "#乡村振兴", "终端里写的稿件"], env=env)
    assert "已开始稿件" in opened.output
    citizen = runner.invoke(cli, ["say", "--openid", "oCitizen", "--url", live.url, "帮助"], env=env)
    assert citizen.exit_code == 0 and texts.SAY_NO_REPLY in citizen.output  # no auto-reply configured
    assert len(openid_for("王五")) == 28


@pytest.mark.parametrize("live", ["plain", "compatible", "safe"], indirect=True)
def test_say_talks_to_an_account_in_each_message_mode_as_wechat_would(live, tmp_path):
    config = tmp_path / "govpost.toml"
    config.write_text(
        f'database_url = "{live.runtime.settings.database_url}"\n[[accounts]]\nname = "default"\n'
        f'aes_key = "{live.account.aes_key}"\nmessage_mode = "{live.account.message_mode}"\n', encoding="utf-8")
    env = {"GOVPOST_CONFIG": str(config)}
    code = live.invite("王五", "editor")

    bound = CliRunner().invoke(cli, ["say", "--as", "王五", "--url", live.url, "绑定", code], env=env)

    assert bound.exit_code == 0 and "绑定成功" in bound.output, bound.output
