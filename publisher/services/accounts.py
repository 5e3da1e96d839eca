"""Accounts and topics in the database follow the configuration (run at `db upgrade` and start);
an account's row and its configuration are joined once, into an `AccountContext`."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.clock import Clock
from publisher.models import Account, Topic
from publisher.settings import AccountSettings, Settings


@dataclass(frozen=True)
class AccountContext:
    """One account as everything below the edges sees it: its row id and its configuration.

    Resolved once where a request names the account (the webhook's URL, the console's choice,
    a CLI option, a bundle's row, the pass over every account) and handed down, so that no
    service looks the configuration up by name again.
    """

    id: int
    name: str
    settings: AccountSettings

    @property
    def display_name(self) -> str:
        return self.settings.display_name

    @classmethod
    def of(cls, row: Account, settings: Settings) -> "AccountContext":
        configured = settings.account(row.name)
        if configured is None:
            # sync_accounts makes a row for every configured account, never the reverse: a row
            # left from an account since removed from the configuration has nothing to run on.
            raise LookupError(f"account {row.name!r} is in the database but not in the configuration")
        return cls(row.id, row.name, configured)


def account_context(session: Session, settings: Settings, name: str) -> AccountContext | None:
    """The configured account `name` with its row; None when either is missing."""
    row, configured = account_by_name(session, name), settings.account(name)
    return AccountContext(row.id, name, configured) if row is not None and configured is not None else None


def account_contexts(session: Session, settings: Settings) -> list[AccountContext]:
    """Every configured account that has its row, in the configured order."""
    rows = {a.name: a for a in session.scalars(select(Account).where(
        Account.name.in_([c.name for c in settings.accounts])))}
    return [AccountContext(rows[c.name].id, c.name, c) for c in settings.accounts if c.name in rows]


def sync_accounts(session: Session, settings: Settings, clock: Clock) -> list[Account]:
    """Create or update one row per configured account and seed its topics.

    Topics already in the database are left as the admin edited them; only missing ones are
    added, so a township's own topics survive an upgrade.
    """
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
        _add_missing_topics(session, account, settings.topics)
        rows.append(account)
    session.flush()
    return rows


def seed_topics(session: Session, account: Account, settings: Settings) -> None:
    """The county's default topics (config/topics.toml, read into `settings.topics`) for a new account."""
    _add_missing_topics(session, account, settings.topics)


def _add_missing_topics(session: Session, account: Account, topics) -> None:
    existing = set(session.scalars(select(Topic.name).where(Topic.account_id == account.id)))
    for position, topic in enumerate(topics):
        if topic.name not in existing:
            session.add(Topic(account_id=account.id, name=topic.name, keywords=list(topic.keywords), position=position))


def account_by_name(session: Session, name: str) -> Account | None:
    return session.scalar(select(Account).where(Account.name == name))
