"""Where an account's secrets (AppSecret, Token, EncodingAESKey) come from, never the database.

For the account NAME, in this order:
1. the environment: GOVPOST_ACCOUNT_<NAME>_SECRET, _TOKEN, _AES_KEY (NAME upper-cased, '-' as '_');
2. its [[accounts]] table in govpost.toml (secret, token, aes_key), for a one-township install;
3. the `secret_file` named in govpost.toml (or $GOVPOST_SECRET_FILE): a TOML file readable by
   its owner only (mode 0600, checked), with one table per account:
       [accounts.east]
       secret = "..."
       token = "..."
       aes_key = "..."
"""
from __future__ import annotations

import stat
import tomllib
from pathlib import Path
from typing import Any, Mapping

from publisher.texts import config as texts

SECRET_FIELDS = ("secret", "token", "aes_key")
_ENV_SUFFIX = {"secret": "SECRET", "token": "TOKEN", "aes_key": "AES_KEY"}


def env_names(name: str) -> dict[str, str]:
    stem = "GOVPOST_ACCOUNT_" + name.upper().replace("-", "_")
    return {field: f"{stem}_{suffix}" for field, suffix in _ENV_SUFFIX.items()}


def load_secret_file(path: str | None, problems: list[str]) -> dict[str, Mapping[str, Any]]:
    """The per-account tables of the secret file; a problem line if it is unsafe or unreadable."""
    if not path:
        return {}
    file = Path(path)
    try:
        mode = stat.S_IMODE(file.stat().st_mode)
    except OSError:
        problems.append(texts.SECRET_FILE_UNREADABLE.format(file=file))
        return {}
    if mode & 0o077:
        problems.append(texts.SECRET_FILE_OPEN.format(file=file, mode=mode))
        return {}
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # The message of a TOML error quotes no value, only the place.
        problems.append(texts.SECRET_FILE_NOT_TOML.format(file=file, error=type(exc).__name__))
        return {}
    tables = raw.get("accounts", {})
    if not isinstance(tables, Mapping) or not all(isinstance(t, Mapping) for t in tables.values()):
        problems.append(texts.SECRET_FILE_SHAPE.format(file=file))
        return {}
    return dict(tables)


def secrets_from_environment_and_file(name: str, environ: Mapping[str, str],
                                      secret_tables: Mapping[str, Mapping[str, Any]]) -> tuple[dict, dict]:
    """(from the environment, from the secret file): only the secrets each source gives."""
    from_env = {f: environ[e] for f, e in env_names(name).items() if environ.get(e)}
    table = secret_tables.get(name, {})
    from_file = {f: str(table[f]) for f in SECRET_FIELDS if table.get(f)}
    return from_env, from_file


def with_secrets(table: Mapping[str, Any], environ: Mapping[str, str],
                 secret_tables: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The account's table with its secrets filled in by the order above."""
    from_env, from_file = secrets_from_environment_and_file(str(table.get("name", "")), environ, secret_tables)
    own = {f: table[f] for f in SECRET_FIELDS if table.get(f)}
    return {**table, **from_file, **own, **from_env}


def secret_sources(name: str, resolved: Mapping[str, bool], environ: Mapping[str, str],
                   secret_tables: Mapping[str, Mapping[str, Any]]) -> dict[str, str | None]:
    """For `account show`: where each secret comes from ("environment", "secret_file", or
    "govpost.toml" for one the account has from neither), None if unset; never its value.
    `resolved`: whether the account, as loaded, has each secret."""
    from_env, from_file = secrets_from_environment_and_file(name, environ, secret_tables)
    return {
        f: "environment" if f in from_env else "secret_file" if f in from_file
        else "govpost.toml" if resolved.get(f) else None
        for f in SECRET_FIELDS
    }


def missing_secrets(name: str, environ: Mapping[str, str], secret_tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The secrets a database-managed account needs (AppSecret, Token) that neither the
    environment nor the secret file gives."""
    from_env, from_file = secrets_from_environment_and_file(name, environ, secret_tables)
    return [f for f in ("secret", "token") if f not in from_env and f not in from_file]


def secret_file_path(raw: Mapping[str, Any], environ: Mapping[str, str]) -> str | None:
    return environ.get("GOVPOST_SECRET_FILE") or raw.get("secret_file") or None
