"""Accounts and topics in the database follow the configuration (run at `db upgrade` and start)."""
from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.clock import Clock
from publisher.models import Account, Topic
from publisher.settings import Settings


def load_topic_table(config_dir: Path) -> list[dict]:
    raw = tomllib.loads((config_dir / "topics.toml").read_text(encoding="utf-8"))
    return [
        {"name": str(t["name"]), "keywords": [str(k) for k in t.get("keywords", [])]}
        for t in raw.get("topics", [])
    ]


def sync_accounts(session: Session, settings: Settings, clock: Clock) -> list[Account]:
    """Create or update one row per configured account and seed its topics.

    Topics already in the database are left as the admin edited them; only missing ones are
    added, so a township's own topics survive an upgrade.
    """
    topics = load_topic_table(settings.config_dir)
    rows = []
    for configured in settings.accounts:
        account = session.scalar(select(Account).where(Account.name == configured.name))
        if account is None:
            account = Account(name=configured.name, created_at=clock.now())
            session.add(account)
        account.display_name = configured.display_name
        account.appid = configured.appid
        account.mode = configured.mode
        session.flush()
        _add_missing_topics(session, account, topics)
        rows.append(account)
    session.flush()
    return rows


def seed_topics(session: Session, account: Account, config_dir: Path) -> None:
    """The county's default topics (config/topics.toml) for a new account."""
    _add_missing_topics(session, account, load_topic_table(config_dir))


def _add_missing_topics(session: Session, account: Account, topics: list[dict]) -> None:
    existing = set(session.scalars(select(Topic.name).where(Topic.account_id == account.id)))
    for position, topic in enumerate(topics):
        if topic["name"] not in existing:
            session.add(Topic(account_id=account.id, name=topic["name"], keywords=topic["keywords"], position=position))


def account_by_name(session: Session, name: str) -> Account | None:
    return session.scalar(select(Account).where(Account.name == name))
