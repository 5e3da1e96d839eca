"""Settings: config/govpost.toml, overridden by environment variables, validated at start-up,
with the configuration files beside it (topics, channels, word lists, the report template;
`publisher.config_files`) read once into the same frozen object.

Every problem found is reported, one line each, in a single `SettingsError`, so an admin
fixes the file once rather than once per restart. Secrets never appear in any message or
repr: a wrong EncodingAESKey is described by its length, not echoed.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config import CONFIG_DIR
from publisher.account_secrets import load_secret_file, secret_file_path, with_secrets
from publisher.config_files import Channel, TopicSeed, load_config_files
from publisher.core.checks import AUTHOR_LIMIT, WordLists, wechat_length
from publisher.db import DatabaseUrlError, database_url
from publisher.texts import config as config_texts

DEFAULT_CONFIG_PATH = CONFIG_DIR / "govpost.toml"
EXAMPLE_CONFIG_PATH = CONFIG_DIR / "govpost.example.toml"
DEFAULT_DATABASE_URL = "sqlite:///var/govpost.db"
WECHAT_API_BASE = "https://api.weixin.qq.com/"

MODES = ("freepublish", "mass")
# WeChat's 消息加解密方式: 明文, 兼容, 安全 (see bot/webhook.py for what each accepts).
MESSAGE_MODES = ("plain", "compatible", "safe")
ACCOUNT_TYPES = ("subscription", "service")
_ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_WECHAT_TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")
_AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")
_SLOT = re.compile(r"^(\d{1,2}):(\d{2})$")


class SettingsError(Exception):
    """Start-up refused: `problems` holds one readable line per bad value."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class AccountSettings:
    name: str
    display_name: str
    appid: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    aes_key: str | None = field(repr=False)
    mode: str
    account_type: str
    slots: tuple[time, ...]
    message_mode: str = "plain"
    # The article's author line on WeChat (its `author` field): the township, not the member
    # who typed it. Defaults to the display name; a post may override it (改作者).
    author: str = ""
    # The 「撰稿：…　审核：…　审签：…」 line at the end of every article (三级审查).
    review_footer: bool = True

    @property
    def has_credentials(self) -> bool:
        return bool(self.appid and self.secret)


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str = field(repr=False)
    timezone: ZoneInfo
    redis_url: str | None
    wechat_api_base: str
    sandbox_mode: bool
    sandbox_push_url: str | None
    sandbox_publish_delay: float
    sandbox_token_ttl: int
    sandbox_latency_ms: float
    webhook_timestamp_window: int
    webhook_max_body_bytes: int
    citizen_auto_reply: str
    review_enabled: bool
    review_levels: int
    allow_self_approval: bool
    draft_idle_minutes: int
    stale_days_warn: int
    stale_days_urgent: int
    scheduler_tick_seconds: int
    reminder_time: time
    reach_pull_time: time
    # Seconds between two datacube calls of the daily reach pull (publisher.services.reach).
    reach_pause_seconds: float
    accounts: tuple[AccountSettings, ...]
    # Read from config/ once, by publisher.config_files (kept out of the repr: they are long).
    topics: tuple[TopicSeed, ...] = field(repr=False)
    channels: tuple[Channel, ...] = field(repr=False)  # 微信公众号 first, then channels.toml's
    words: WordLists = field(repr=False)
    report_template: Mapping[str, Mapping[str, str]] = field(repr=False)
    covers: Mapping[str, Path] = field(repr=False)  # file stem (topic name or "default") → .jpg
    # The admin console's lock-out: this many wrong passwords within the lock-out time lock a
    # login for that time.
    console_login_failure_limit: int = 5
    console_lockout_minutes: int = 15
    # PostgreSQL only: connections kept per process, and the server-side limit on one
    # statement (0: none).
    database_pool_size: int = 5
    database_statement_timeout_ms: int = 0
    # Accounts' secrets by account name (publisher/account_secrets.py); its path, never its content.
    secret_file: str | None = None
    # Where this govpost is served (`url`, $GOVPOST_URL): `serve` listens there by default, and
    # `say` and `import-history` (in sandbox mode) talk to it, so one setting moves all three.
    url: str = "http://127.0.0.1:8000"
    # The quarterly 政务新媒体 inspection (govpost inspect): a citizen's message answered later
    # than this many days after it came, or not at all by then, counts against the account.
    inspection_reply_days: int = 5

    @property
    def default_account(self) -> AccountSettings:
        return self.accounts[0]

    def account(self, name: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.name == name), None)

    def with_overrides(self, **changes: Any) -> "Settings":
        return replace(self, **changes)


# Sandbox credentials: used only when an account has none, so that `make run` works with no
# WeChat account at all. They are not secret; they never reach the real WeChat API, because
# sandbox mode also points the API base at the local sandbox.
SANDBOX_APPID = "wx5a4db0c0ffee0001"
SANDBOX_SECRET = "sandbox-secret-0123456789abcdef"
SANDBOX_TOKEN = "govpostsandbox"
SANDBOX_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def load_settings(
    path: str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
    config_dir: Path = CONFIG_DIR,
) -> Settings:
    """Read the TOML file (explicit path, $GOVPOST_CONFIG, config/govpost.toml, or the example)
    and the configuration files of `config_dir`."""
    env = os.environ if environ is None else environ
    config_path = Path(path or env.get("GOVPOST_CONFIG") or DEFAULT_CONFIG_PATH)
    if not config_path.exists():
        if path or env.get("GOVPOST_CONFIG"):
            raise SettingsError([config_texts.CONFIG_FILE_MISSING.format(path=config_path)])
        config_path = EXAMPLE_CONFIG_PATH
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([config_texts.CONFIG_FILE_NOT_TOML.format(path=config_path, error=exc)]) from None
    return settings_from_mapping(raw, env, config_dir)


def settings_from_mapping(
    raw: Mapping[str, Any], environ: Mapping[str, str], config_dir: Path = CONFIG_DIR,
) -> Settings:
    problems: list[str] = []
    files = load_config_files(config_dir, problems)
    env = {k: v for k, v in environ.items() if v != ""}

    def section(name: str) -> Mapping[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, Mapping):
            problems.append(config_texts.SECTION_NOT_TABLE.format(name=name))
            return {}
        return value

    sandbox, webhook, review = section("sandbox"), section("webhook"), section("review")
    drafts, alerts, scheduler = section("drafts"), section("alerts"), section("scheduler")
    console = section("console")
    database = section("database")
    inspection = section("inspection")

    timezone_name = env.get("GOVPOST_TIMEZONE", raw.get("timezone", "Asia/Shanghai"))
    try:
        timezone = ZoneInfo(str(timezone_name))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(config_texts.UNKNOWN_TIMEZONE.format(name=timezone_name))
        timezone = ZoneInfo("Asia/Shanghai")

    secret_file = secret_file_path(raw, env)
    secret_tables = load_secret_file(secret_file, problems)
    accounts = _accounts(raw.get("accounts") or [{"name": "default"}], env, problems, secret_tables)
    sandbox_mode = not any(a.has_credentials for a in accounts)
    if sandbox_mode:
        accounts = [_with_sandbox_credentials(a, i) for i, a in enumerate(accounts)]
    else:
        # Without a Token the plain signature is sha1 of the timestamp and nonce alone, which
        # anyone can compute; only the sandbox fills one in for an account that has none.
        for index, account in enumerate(accounts):
            if not account.token:
                problems.append(config_texts.TOKEN_NEEDED_EVERYWHERE.format(label=_label(index, account.name)))

    api_base = env.get("GOVPOST_WECHAT_API_BASE", raw.get("wechat_api_base") or "")
    if api_base and not re.match(r"^https?://", api_base):
        problems.append(config_texts.API_BASE_NOT_HTTP.format(value=api_base))
    if api_base and not api_base.endswith("/"):
        api_base += "/"
    url = (env.get("GOVPOST_URL") or raw.get("url") or Settings.url).rstrip("/")
    if not _is_http_url(url):
        problems.append(config_texts.URL_NOT_HTTP.format(url=url))

    def number(table: Mapping[str, Any], key: str, default: Any, low: float, high: float, label: str):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            problems.append(config_texts.NOT_A_NUMBER_IN_RANGE.format(label=label, low=low, high=high, value=value))
            return default
        return value

    def flag(table: Mapping[str, Any], key: str, default: bool, label: str) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            problems.append(config_texts.NOT_TRUE_OR_FALSE.format(label=label, value=value))
            return default
        return value

    settings = Settings(
        database_url=env.get("GOVPOST_DATABASE_URL", raw.get("database_url") or DEFAULT_DATABASE_URL),
        secret_key=env.get("GOVPOST_SECRET_KEY", raw.get("secret_key") or ""),
        timezone=timezone,
        redis_url=env.get("GOVPOST_REDIS_URL", raw.get("redis_url") or "") or None,
        wechat_api_base=api_base,
        sandbox_mode=sandbox_mode,
        sandbox_push_url=env.get("GOVPOST_SANDBOX_PUSH_URL", sandbox.get("push_url") or "") or None,
        sandbox_publish_delay=float(number(sandbox, "publish_delay", 2.0, 0, 600, "sandbox.publish_delay")),
        sandbox_token_ttl=int(number(sandbox, "token_ttl", 7200, 1, 7200, "sandbox.token_ttl")),
        sandbox_latency_ms=float(number(_with_env_number(sandbox, "latency_ms", env.get("GOVPOST_SANDBOX_LATENCY_MS")),
                                        "latency_ms", 0, 0, 10_000, "sandbox.latency_ms")),
        webhook_timestamp_window=int(
            number(webhook, "timestamp_window", 300, 0, 86400, "webhook.timestamp_window")
        ),
        webhook_max_body_bytes=int(
            number(webhook, "max_body_bytes", 65536, 1024, 10_485_760, "webhook.max_body_bytes")
        ),
        citizen_auto_reply=str(webhook.get("citizen_auto_reply", "")),
        review_enabled=flag(review, "enabled", True, "review.enabled"),
        review_levels=int(number(review, "levels", 1, 1, 3, "review.levels")),
        allow_self_approval=flag(review, "allow_self_approval", False, "review.allow_self_approval"),
        draft_idle_minutes=int(number(drafts, "idle_minutes", 30, 1, 1440, "drafts.idle_minutes")),
        stale_days_warn=int(number(alerts, "stale_days_warn", 7, 1, 365, "alerts.stale_days_warn")),
        stale_days_urgent=int(number(alerts, "stale_days_urgent", 14, 1, 365, "alerts.stale_days_urgent")),
        scheduler_tick_seconds=int(number(scheduler, "tick_seconds", 15, 1, 3600, "scheduler.tick_seconds")),
        reminder_time=_time_of_day(alerts.get("reminder_time", "09:00"), "alerts.reminder_time", problems),
        # WeChat has yesterday's figures from 08:00; half an hour later is the default.
        reach_pull_time=_time_of_day(scheduler.get("reach_pull_time", "08:30"), "scheduler.reach_pull_time",
                                     problems),
        reach_pause_seconds=float(number(scheduler, "reach_pause_seconds", 0.5, 0, 60, "scheduler.reach_pause_seconds")),
        accounts=tuple(accounts),
        topics=files.topics,
        channels=files.channels,
        words=files.words,
        report_template=files.report_template,
        covers=files.covers,
        console_login_failure_limit=int(
            number(console, "login_failure_limit", 5, 1, 100, "console.login_failure_limit")),
        console_lockout_minutes=int(number(console, "lockout_minutes", 15, 1, 1440, "console.lockout_minutes")),
        database_pool_size=int(number(database, "pool_size", 5, 1, 200, "database.pool_size")),
        database_statement_timeout_ms=int(
            number(database, "statement_timeout_ms", 0, 0, 3_600_000, "database.statement_timeout_ms")),
        secret_file=secret_file,
        url=url,
        inspection_reply_days=int(number(inspection, "reply_days", 5, 1, 90, "inspection.reply_days")),
    )
    try:
        database_url(settings.database_url)
    except DatabaseUrlError as exc:
        problems.append(str(exc))
    if settings.stale_days_urgent < settings.stale_days_warn:
        problems.append(config_texts.URGENT_BEFORE_WARN)
    if problems:
        raise SettingsError(problems)
    return settings


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    try:
        parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _accounts(tables: Any, env: Mapping[str, str], problems: list[str],
              secret_tables: Mapping[str, Mapping[str, Any]] | None = None) -> list[AccountSettings]:
    if not isinstance(tables, list) or not tables:
        problems.append(config_texts.NO_ACCOUNTS)
        return []
    accounts: list[AccountSettings] = []
    for index, table in enumerate(tables):
        # The environment variables describe the default (first) account only: a one-account
        # township configures everything from the environment; a county uses the file.
        overrides = (
            {
                "appid": env.get("WECHAT_APPID"),
                "secret": env.get("WECHAT_SECRET"),
                "token": env.get("WECHAT_TOKEN"),
                "aes_key": env.get("WECHAT_AES_KEY"),
                "message_mode": env.get("WECHAT_MESSAGE_MODE"),
            }
            if index == 0
            else {}
        )
        named = {"name": "default" if index == 0 else "", **table} if isinstance(table, Mapping) else table
        merged = {**with_secrets(named, env, secret_tables or {}), **{k: v for k, v in overrides.items() if v}}
        accounts.append(_account(merged, index, problems))
    names = [a.name for a in accounts]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(config_texts.ACCOUNT_NAME_TWICE.format(name=name))
    return accounts


def _label(index: int, name: str) -> str:
    return config_texts.ACCOUNT_LABEL.format(index=index, name=name or config_texts.UNNAMED)


def _account(table: Mapping[str, Any], index: int, problems: list[str]) -> AccountSettings:
    name = str(table.get("name", "default" if index == 0 else ""))
    label = _label(index, name)
    if not _ACCOUNT_NAME.match(name):
        problems.append(config_texts.ACCOUNT_NAME_FORM.format(label=label, name=name))

    appid, secret = str(table.get("appid") or ""), str(table.get("secret") or "")
    token, aes_key = str(table.get("token") or ""), str(table.get("aes_key") or "")
    if bool(appid) != bool(secret):
        problems.append(config_texts.APPID_WITHOUT_SECRET.format(label=label))
    if appid and not re.match(r"^wx[0-9a-f]{16}$", appid):
        problems.append(config_texts.APPID_FORM.format(label=label))
    if appid and not token:
        problems.append(config_texts.TOKEN_REQUIRED.format(label=label))
    if token and not _WECHAT_TOKEN.match(token):
        problems.append(config_texts.TOKEN_FORM.format(label=label, length=len(token)))
    if aes_key and not _AES_KEY.match(aes_key):
        problems.append(config_texts.AES_KEY_FORM.format(label=label, length=len(aes_key)))

    message_mode = str(table.get("message_mode") or ("safe" if aes_key else "plain"))
    if message_mode not in MESSAGE_MODES:
        problems.append(config_texts.ONE_OF.format(label=f"{label}.message_mode", choices="、".join(MESSAGE_MODES),
                                                   value=message_mode))
    elif message_mode != "plain" and not aes_key:
        problems.append(config_texts.MODE_NEEDS_AES_KEY.format(label=label, mode=message_mode))

    mode = str(table.get("mode", "freepublish"))
    if mode not in MODES:
        problems.append(config_texts.ONE_OF.format(label=f"{label}.mode", choices="、".join(MODES), value=mode))
    account_type = str(table.get("account_type", "subscription"))
    if account_type not in ACCOUNT_TYPES:
        problems.append(config_texts.ONE_OF.format(label=f"{label}.account_type", choices="、".join(ACCOUNT_TYPES),
                                                   value=account_type))

    display_name = str(table.get("display_name") or name)
    author = str(table.get("author") or "")
    if not author:
        # WeChat shows the account's own name under every title anyway; a display name too
        # long for the author field leaves it empty rather than blocking every post.
        author = display_name if wechat_length(display_name) <= AUTHOR_LIMIT else ""
    elif wechat_length(author) > AUTHOR_LIMIT:
        problems.append(config_texts.AUTHOR_TOO_LONG.format(label=label, chinese=AUTHOR_LIMIT // 2,
                                                            ascii=AUTHOR_LIMIT, value=author))
    review_footer = table.get("review_footer", True)
    if not isinstance(review_footer, bool):
        problems.append(config_texts.NOT_TRUE_OR_FALSE.format(label=f"{label}.review_footer", value=review_footer))
        review_footer = True

    return AccountSettings(
        name=name,
        display_name=display_name,
        appid=appid,
        secret=secret,
        token=token,
        aes_key=aes_key or None,
        mode=mode,
        account_type=account_type,
        slots=_slots(table.get("slots", ["12:00", "18:00"]), label, problems),
        message_mode=message_mode,
        author=author,
        review_footer=review_footer,
    )


def _time_of_day(value: Any, label: str, problems: list[str]) -> time | None:
    match = _SLOT.match(str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append(config_texts.NOT_A_TIME_OF_DAY.format(label=label, value=value))
        return None
    return time(int(match[1]), int(match[2]))


def _slots(values: Any, label: str, problems: list[str]) -> tuple[time, ...]:
    if not isinstance(values, list) or not values:
        problems.append(config_texts.SLOTS_NOT_A_LIST.format(label=label))
        return ()
    slots = [s for v in values if (s := _time_of_day(v, f"{label}.slots", problems)) is not None]
    if len(set(slots)) != len(slots):
        problems.append(config_texts.SLOT_TWICE.format(label=label))
    return tuple(sorted(set(slots)))


def _with_env_number(table: Mapping[str, Any], key: str, raw: str | None) -> Mapping[str, Any]:
    """`table` with `key` taken from an environment variable when it is set; a value that is
    not a number stays a string, so that the range check reports it."""
    if raw is None or raw.strip() == "":
        return table
    try:
        value: Any = float(raw)
    except ValueError:
        value = raw
    return {**table, key: value}


def _with_sandbox_credentials(account: AccountSettings, index: int) -> AccountSettings:
    # SANDBOX_APPID ends in 0001 for the first account; the n-th gets 000n (in hex).
    return replace(
        account,
        appid=SANDBOX_APPID[:-4] + f"{index + 1:04x}",
        secret=SANDBOX_SECRET,
        token=account.token or SANDBOX_TOKEN,
        aes_key=account.aes_key,
    )
