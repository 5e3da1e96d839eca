"""The configuration files beside govpost.toml, read once at start-up into plain values.

Topics, channels, the two word lists and the report template are read here and nowhere
else; `publisher.settings.load_settings` keeps the result on the Settings object. A file that
is missing or malformed is one problem line naming the file, reported with every other
problem in the one SettingsError: a misspelt word-list file must stop start-up, not silently
switch the sensitive-word check off. Covers are optional (a post without one is refused by
the checks), so they are only listed here, and their bytes read when a post needs one.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from publisher.core.checks import WordLists
from publisher.models.ledger import WECHAT_CHANNEL
from publisher.texts import config as texts

TOPICS_FILE = "topics.toml"
CHANNELS_FILE = "channels.toml"
SENSITIVE_WORDS_FILE = "sensitive_words.txt"
OUTDATED_TERMS_FILE = "outdated_terms.txt"
REPORT_TEMPLATE_FILE = "report_template.toml"
COVERS_FOLDER = "covers"

# The template keys the report prints (stats/report/outline.py); a township may add more.
REPORT_TEMPLATE_KEYS = {
    "overview": ("intro", "on_request", "management", "platforms", "supervision"),
    "problems": ("problems_heading", "problems", "improvements_heading", "improvements"),
    "other": ("text",),
}

# Every published article counts under this channel, whatever channels.toml lists.
WECHAT = (WECHAT_CHANNEL, ("微信", "公众号", "微信公众平台", "政府微信公众平台"))


@dataclass(frozen=True)
class Channel:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSeed:
    """A topic of config/topics.toml, seeded into each account's topics at start."""

    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfigFiles:
    topics: tuple[TopicSeed, ...]
    channels: tuple[Channel, ...]  # 微信公众号 first, then channels.toml in its order
    words: WordLists
    report_template: Mapping[str, Mapping[str, str]]
    covers: Mapping[str, Path]  # file stem (a topic name, or "default") → the .jpg


def load_config_files(config_dir: Path, problems: list[str]) -> ConfigFiles:
    """Everything the folder holds; each problem found is appended to `problems`."""
    return ConfigFiles(
        topics=_topics(config_dir / TOPICS_FILE, problems),
        channels=_channels(config_dir / CHANNELS_FILE, problems),
        words=WordLists(
            _word_list(config_dir / SENSITIVE_WORDS_FILE, problems),
            _word_list(config_dir / OUTDATED_TERMS_FILE, problems),
        ),
        report_template=_report_template(config_dir / REPORT_TEMPLATE_FILE, problems),
        covers=MappingProxyType({p.stem: p for p in sorted((config_dir / COVERS_FOLDER).glob("*.jpg"))}),
    )


def _text(path: Path, problems: list[str]) -> str | None:
    if not path.is_file():
        problems.append(texts.FILE_MISSING.format(path=path))
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(texts.FILE_UNREADABLE.format(path=path, error=exc))
        return None


def _toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    text = _text(path, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(texts.FILE_NOT_TOML.format(path=path, error=exc))
        return None


def _named_entries(path: Path, table: str, raw: dict[str, Any], list_key: str,
                   problems: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """[[table]] entries as (name, list_key words); a bad entry is a problem, not skipped."""
    entries = raw.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        problems.append(texts.NO_ENTRIES.format(path=path, table=table))
        return []
    found: list[tuple[str, tuple[str, ...]]] = []
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(texts.ENTRY_NEEDS_NAME.format(path=path, number=number, table=table))
            continue
        name = name.strip()
        words = entry.get(list_key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(texts.LIST_OF_WORDS.format(path=path, table=table, name=name, key=list_key))
            continue
        if name in (n for n, _ in found):
            problems.append(texts.NAME_TWICE.format(path=path, name=name))
            continue
        found.append((name, tuple(words)))
    return found


def _topics(path: Path, problems: list[str]) -> tuple[TopicSeed, ...]:
    raw = _toml(path, problems)
    if raw is None:
        return ()
    topics = _named_entries(path, "topics", raw, "keywords", problems)
    if not raw.get("topics"):
        # Every post is filed under a topic and the report counts by them.
        problems.append(texts.NO_ENTRIES.format(path=path, table="topics"))
    return tuple(TopicSeed(name, keywords) for name, keywords in topics)


def _channels(path: Path, problems: list[str]) -> tuple[Channel, ...]:
    raw = _toml(path, problems)
    offline = _named_entries(path, "channels", raw, "aliases", problems) if raw is not None else []
    return (Channel(*WECHAT), *(Channel(name, aliases) for name, aliases in offline))


def _word_list(path: Path, problems: list[str]) -> dict[str, str]:
    """word → suggested fix: one a line, `word` or `word => fix`; # starts a comment line."""
    text = _text(path, problems)
    entries: dict[str, str] = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, fix = line.partition("=>")
        if word.strip():
            entries[word.strip()] = fix.strip()
    return entries


def _report_template(path: Path, problems: list[str]) -> Mapping[str, Mapping[str, str]]:
    raw = _toml(path, problems)
    if raw is None:
        return MappingProxyType({})
    template: dict[str, Mapping[str, str]] = {}
    for section, entries in raw.items():
        if not isinstance(entries, Mapping):
            problems.append(texts.TEMPLATE_SECTION_NOT_TABLE.format(path=path, section=section))
            continue
        for key, text in entries.items():
            if not isinstance(text, str):
                problems.append(texts.TEMPLATE_NOT_TEXT.format(path=path, section=section, key=key))
        template[section] = MappingProxyType({k: v for k, v in entries.items() if isinstance(v, str)})
    for section, keys in REPORT_TEMPLATE_KEYS.items():
        for key in keys:
            if key not in template.get(section, {}):
                problems.append(texts.TEMPLATE_KEY_MISSING.format(path=path, section=section, key=key))
    return MappingProxyType(template)
