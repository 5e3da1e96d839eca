"""The configuration files are read once at start-up; a missing or malformed one stops it with
one line naming the file and the problem, instead of a traceback later or a check silently off."""
from __future__ import annotations

import shutil

import pytest

from config import CONFIG_DIR
from publisher.settings import SettingsError, load_settings
from publisher.texts import config as texts


@pytest.fixture
def config_dir(tmp_path):
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("govpost.toml", "__pycache__", "*.py"))
    return folder


def problems_of(config_dir) -> list[str]:
    with pytest.raises(SettingsError) as refused:
        load_settings(config_dir / "govpost.example.toml", environ={}, config_dir=config_dir)
    return refused.value.problems


def test_the_committed_files_load_into_the_settings(config_dir):
    settings = load_settings(config_dir / "govpost.example.toml", environ={}, config_dir=config_dir)
    assert [t.name for t in settings.topics][:2] == ["党组织建设", "主题教育"]
    assert [c.name for c in settings.channels] == ["微信公众号", "三务公开栏", "广播", "会议", "政府网站"]
    assert settings.words.sensitive["习大大"] == "习近平总书记"
    assert settings.words.outdated["精准扶贫"] == "巩固拓展脱贫攻坚成果"
    assert "intro" in settings.report_template["overview"]
    assert settings.covers["default"] == config_dir / "covers" / "default.jpg"


def test_a_word_list_is_read_once_and_kept_on_the_settings(config_dir):
    (config_dir / "sensitive_words.txt").write_text("# ours\n某某词 => 规范说法\n", encoding="utf-8")
    settings = load_settings(config_dir / "govpost.example.toml", environ={}, config_dir=config_dir)
    (config_dir / "sensitive_words.txt").unlink()
    assert settings.words.sensitive == {"某某词": "规范说法"}


@pytest.mark.parametrize("name", ["sensitive_words.txt", "outdated_terms.txt", "topics.toml", "channels.toml",
                                  "report_template.toml"])
def test_a_missing_file_stops_start_up_with_one_line_naming_it(config_dir, name):
    (config_dir / name).unlink()
    assert problems_of(config_dir) == [texts.FILE_MISSING.format(path=config_dir / name)]


def test_a_missing_sensitive_word_list_no_longer_switches_the_check_off(config_dir):
    # The hole this closes: a renamed or misspelt word list used to give an empty list.
    (config_dir / "sensitive_words.txt").rename(config_dir / "sensitive_word.txt")
    problem, = problems_of(config_dir)
    assert problem == texts.FILE_MISSING.format(path=config_dir / "sensitive_words.txt")


def test_a_word_list_that_is_not_utf8_is_named(config_dir):
    (config_dir / "outdated_terms.txt").write_bytes("扶贫办 => 乡村振兴局".encode("gbk"))
    problem, = problems_of(config_dir)
    assert problem.startswith(f"{config_dir / 'outdated_terms.txt'}: 无法读取")


@pytest.mark.parametrize("name", ["topics.toml", "channels.toml", "report_template.toml"])
def test_a_file_that_is_not_toml_is_named_with_the_toml_error(config_dir, name):
    (config_dir / name).write_text("[[topics]\nname = ", encoding="utf-8")
    problem, = problems_of(config_dir)
    assert problem.startswith(f"{config_dir / name}: TOML 格式错误: ")


def test_a_topic_without_a_name_is_named_by_its_position(config_dir):
    (config_dir / "topics.toml").write_text('[[topics]]\nname = "党建"\n[[topics]]\nkeywords = ["x"]\n',
                                            encoding="utf-8")
    assert problems_of(config_dir) == [
        texts.ENTRY_NEEDS_NAME.format(path=config_dir / "topics.toml", number=2, table="topics")]


def test_a_topic_list_with_no_topic_is_refused(config_dir):
    (config_dir / "topics.toml").write_text("# nothing yet\n", encoding="utf-8")
    assert problems_of(config_dir) == [texts.NO_ENTRIES.format(path=config_dir / "topics.toml", table="topics")]


def test_a_topic_listed_twice_is_refused(config_dir):
    (config_dir / "topics.toml").write_text('[[topics]]\nname = "党建"\n[[topics]]\nname = "党建"\n',
                                            encoding="utf-8")
    assert problems_of(config_dir) == [texts.NAME_TWICE.format(path=config_dir / "topics.toml", name="党建")]


def test_channel_aliases_that_are_not_a_list_are_refused(config_dir):
    (config_dir / "channels.toml").write_text('[[channels]]\nname = "广播"\naliases = "大喇叭"\n', encoding="utf-8")
    assert problems_of(config_dir) == [texts.LIST_OF_WORDS.format(
        path=config_dir / "channels.toml", table="channels", name="广播", key="aliases")]


def test_a_report_template_without_a_paragraph_the_report_prints_is_refused(config_dir):
    path = config_dir / "report_template.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nmanagement = ", "\nmanagment = "), encoding="utf-8")
    assert problems_of(config_dir) == [
        texts.TEMPLATE_KEY_MISSING.format(path=path, section="overview", key="management")]


def test_a_report_template_value_that_is_not_text_is_refused(config_dir):
    path = config_dir / "report_template.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[extra]\nfee = 0\n", encoding="utf-8")
    assert problems_of(config_dir) == [texts.TEMPLATE_NOT_TEXT.format(path=path, section="extra", key="fee")]


def test_file_problems_come_with_the_other_settings_problems_in_one_refusal(config_dir, tmp_path):
    (config_dir / "channels.toml").unlink()
    bad = tmp_path / "govpost.toml"
    bad.write_text('timezone = "Nowhere/City"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(bad, environ={}, config_dir=config_dir)
    assert len(refused.value.problems) == 2
    assert texts.FILE_MISSING.format(path=config_dir / "channels.toml") in refused.value.problems
