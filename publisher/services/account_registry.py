"""Accounts from govpost.toml and from the database, merged by one rule.

- An account configured in govpost.toml is governed by the file: `govpost account add`
  refuses its name and `govpost account disable` refuses it (edit the file instead).
- An account added with `govpost account add` lives in its `accounts` row (managed): name,
  display name, AppID, mode, slots, type, message mode, author line and footer switch; never its secrets, which come from
  the environment or the secret file (publisher/account_secrets.py). It is in use until
  `govpost account disable`.
- The file's accounts come first, in the file's order (the first is the default account),
  then the managed ones in the order they were added.

Each process merges once, when its runtime is built (publisher.runtime.Runtime.build).
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Mapping

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from publisher.account_secrets import load_secret_file, with_secrets
from publisher.models import Account
from publisher.settings import (
    SANDBOX_SECRET,
    SANDBOX_TOKEN,
    AccountSettings,
    Settings,
    SettingsError,
    _account,
)


def managed_table(row: Account) -> dict[str, Any]:
    table: dict[str, Any] = {"name": row.name, "display_name": row.display_name, "appid": row.appid,
                             "mode": row.mode}
    for key in ("slots", "account_type", "message_mode", "author"):
        if getattr(row, key):
            table[key] = getattr(row, key)
    if row.review_footer is not None:
        table["review_footer"] = row.review_footer
    return table


def managed_account_settings(table: Mapping[str, Any], settings: Settings, index: int,
                             environ: Mapping[str, str] | None = None) -> tuple[AccountSettings, list[str]]:
    """The account a managed row describes, with its secrets, and the problems found."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    secret_tables = load_secret_file(settings.secret_file, problems)
    filled = with_secrets(table, {k: v for k, v in env.items() if v}, secret_tables)
    if settings.sandbox_mode:
        # As for the file's accounts in sandbox mode: the sandbox stands in for WeChat, and
        # these stand-in credentials never reach it (publisher/settings.py).
        filled = {**filled, "secret": SANDBOX_SECRET, "token": filled.get("token") or SANDBOX_TOKEN}
    account = _account(filled, index, problems)
    problems = [p.replace(f"accounts[{index}]", "account", 1) for p in problems]
    return account, problems


def with_managed_accounts(settings: Settings, session: Session,
                          environ: Mapping[str, str] | None = None) -> Settings:
    """Settings whose accounts are the file's and the database's enabled managed ones."""
    configured = {a.name for a in settings.accounts}
    rows = session.scalars(
        select(Account).where(Account.managed.is_(True), Account.disabled_at.is_(None)).order_by(Account.id)
    ).all()
    accounts, problems = list(settings.accounts), []
    for row in rows:
        if row.name in configured:
            continue  # the file governs this name
        account, found = managed_account_settings(managed_table(row), settings, len(accounts), environ)
        problems += found
        accounts.append(account)
    if problems:
        raise SettingsError(problems)
    return replace(settings, accounts=tuple(accounts))


def merge_from_database(settings: Settings, engine: Engine) -> Settings:
    """The merge, when the database is at the newest schema (not before `db upgrade`)."""
    from sqlalchemy.exc import OperationalError

    from publisher.db import make_session_factory
    from publisher.migrate import is_current

    try:
        if not is_current(engine):
            return settings
    except OperationalError:
        return settings  # the server is down: the first real query reports it where it is made
    with make_session_factory(engine)() as session:
        return with_managed_accounts(settings, session)
