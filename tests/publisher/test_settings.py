from datetime import time

import pytest

from publisher.settings import SANDBOX_APPID, SettingsError, load_settings, settings_from_mapping

REAL = {
    "name": "default",
    "appid": "wx0123456789abcdef",
    "secret": "s3cr3t-value-never-printed",
    "token": "townToken1",
    "aes_key": "A" * 43,
}


def test_the_committed_example_loads_in_sandbox_mode(tmp_path):
    settings = load_settings(environ={})
    assert settings.sandbox_mode
    assert settings.default_account.appid == SANDBOX_APPID
    assert settings.default_account.slots == (time(12, 0), time(18, 0))
    assert str(settings.timezone) == "Asia/Shanghai"


def test_each_account_gets_its_own_sandbox_appid():
    settings = settings_from_mapping({"accounts": [{"name": n} for n in ("default", "xiangyang", "hongqi")]}, {})
    appids = [a.appid for a in settings.accounts]
    assert appids[0] == SANDBOX_APPID and len(set(appids)) == 3


def test_environment_overrides_the_file():
    settings = settings_from_mapping(
        {"accounts": [{"name": "default"}]},
        {
            "GOVPOST_DATABASE_URL": "postgresql+psycopg2://u@h/db",
            "GOVPOST_TIMEZONE": "Asia/Urumqi",
            "WECHAT_APPID": REAL["appid"],
            "WECHAT_SECRET": REAL["secret"],
            "WECHAT_TOKEN": REAL["token"],
        },
    )
    assert settings.database_url == "postgresql+psycopg2://u@h/db"
    assert str(settings.timezone) == "Asia/Urumqi"
    assert not settings.sandbox_mode
    assert settings.default_account.appid == REAL["appid"]


def test_every_bad_value_is_reported_on_its_own_line():
    raw = {
        "timezone": "Mars/Olympus",
        "review": {"levels": 5},
        "accounts": [{**REAL, "aes_key": "tooshort", "slots": ["25:00", "12:60", "08:00"], "mode": "push"}],
    }
    with pytest.raises(SettingsError) as refused:
        settings_from_mapping(raw, {})
    problems = refused.value.problems
    assert any("Mars/Olympus" in p for p in problems)
    assert any("review.levels" in p for p in problems)
    assert any("EncodingAESKey 应是 43" in p and "现在是 8 个字符" in p for p in problems)
    assert any("「25:00」" in p for p in problems) and any("「12:60」" in p for p in problems)
    assert any(".mode" in p for p in problems)
    assert len(problems) == 6


def test_secrets_never_appear_in_errors_or_reprs():
    raw = {"accounts": [{**REAL, "aes_key": "x" * 42 + "!"}]}
    with pytest.raises(SettingsError) as refused:
        settings_from_mapping(raw, {})
    assert "x" * 42 not in str(refused.value)
    settings = settings_from_mapping({"accounts": [REAL], "secret_key": "flask-secret"}, {})
    assert REAL["secret"] not in repr(settings)
    assert REAL["aes_key"] not in repr(settings)
    assert "flask-secret" not in repr(settings)


def test_appid_without_secret_is_refused():
    with pytest.raises(SettingsError, match="appid 和 secret 要一起给出"):
        settings_from_mapping({"accounts": [{"name": "default", "appid": REAL["appid"]}]}, {})


def test_duplicate_account_names_are_refused():
    with pytest.raises(SettingsError, match="用了两次"):
        settings_from_mapping({"accounts": [{"name": "a"}, {"name": "a"}]}, {})


def test_missing_explicit_config_file_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="不存在"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_broken_toml_is_refused_with_the_file_named(tmp_path):
    path = tmp_path / "govpost.toml"
    path.write_text("timezone = ", encoding="utf-8")
    with pytest.raises(SettingsError, match="TOML"):
        load_settings(path, environ={})


def test_sandbox_latency_comes_from_the_file_or_the_environment_and_a_bad_one_is_refused():
    assert settings_from_mapping({"sandbox": {"latency_ms": 40}}, {}).sandbox_latency_ms == 40
    assert settings_from_mapping({"sandbox": {"latency_ms": 40}},
                                 {"GOVPOST_SANDBOX_LATENCY_MS": "120"}).sandbox_latency_ms == 120
    assert settings_from_mapping({}, {}).sandbox_latency_ms == 0
    with pytest.raises(SettingsError) as refused:
        settings_from_mapping({}, {"GOVPOST_SANDBOX_LATENCY_MS": "fast"})
    assert any("sandbox.latency_ms" in p and "「fast」" in p for p in refused.value.problems)


def test_the_reach_pull_time_is_a_time_of_day():
    assert settings_from_mapping({"scheduler": {"reach_pull_time": "09:15"}}, {}).reach_pull_time == time(9, 15)
    assert settings_from_mapping({}, {}).reach_pull_time == time(8, 30)
    with pytest.raises(SettingsError, match="scheduler.reach_pull_time"):
        settings_from_mapping({"scheduler": {"reach_pull_time": "25:00"}}, {})


def test_the_reach_pulls_pause_is_half_a_second_unless_set():
    assert settings_from_mapping({}, {}).reach_pause_seconds == 0.5
    assert settings_from_mapping({"scheduler": {"reach_pause_seconds": 0}}, {}).reach_pause_seconds == 0
    with pytest.raises(SettingsError, match="scheduler.reach_pause_seconds"):
        settings_from_mapping({"scheduler": {"reach_pause_seconds": -1}}, {})


def test_an_accounts_author_line_defaults_to_its_display_name():
    settings = settings_from_mapping({"accounts": [{"name": "default", "display_name": "优干宁镇人民政府"}]}, {})
    assert settings.default_account.author == "优干宁镇人民政府"
    assert settings.default_account.review_footer is True


def test_an_accounts_author_line_and_footer_switch_are_read_from_the_file():
    settings = settings_from_mapping(
        {"accounts": [{"name": "default", "display_name": "优干宁镇人民政府", "author": "党政办",
                       "review_footer": False}]}, {})
    assert (settings.default_account.author, settings.default_account.review_footer) == ("党政办", False)


def test_a_display_name_too_long_for_the_author_field_leaves_the_author_line_empty():
    settings = settings_from_mapping({"accounts": [{"name": "default", "display_name": "优干宁镇人民政府办公室"}]}, {})
    assert settings.default_account.author == ""


def test_an_author_line_too_long_for_wechat_or_a_footer_switch_not_a_flag_is_refused():
    with pytest.raises(SettingsError) as refused:
        settings_from_mapping({"accounts": [{"name": "default", "author": "优干宁镇人民政府办公室",
                                             "review_footer": "yes"}]}, {})
    assert any(".author:" in p for p in refused.value.problems)
    assert any(".review_footer:" in p for p in refused.value.problems)
