"""The sandbox knows the accounts of govpost's configuration, so both work together."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from publisher.sandbox import SandboxAccount
from publisher.settings import Settings


def sandbox_accounts(settings: Settings, own_url: str | None = None) -> list[SandboxAccount]:
    """Where events are pushed: GOVPOST_SANDBOX_PUSH_URL, else govpost's own /wechat[/<name>]."""
    base = (settings.sandbox_push_url or (own_url or "http://127.0.0.1:8000").rstrip("/") + "/wechat")
    accounts = []
    for index, account in enumerate(settings.accounts):
        push_url = base if index == 0 else f"{base}/{account.name}"
        accounts.append(
            SandboxAccount(
                appid=account.appid,
                secret=account.secret,
                token=account.token,
                aes_key=account.aes_key,
                push_url=push_url,
                account_type=account.account_type,
                name=account.name,
            )
        )
    return accounts


def sandbox_state_file(settings: Settings) -> Path | None:
    """Where the sandbox served with govpost keeps its state: beside a SQLite database file
    (var/govpost.db → var/govpost.db.sandbox-state), so that the demo's database and its
    "WeChat" are kept, and thrown away, together. A PostgreSQL or in-memory database has no
    such place: the sandbox then lives in memory."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    database = Path(url.database)
    return database.with_name(database.name + ".sandbox-state")
