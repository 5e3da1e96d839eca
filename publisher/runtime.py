"""The composition root: settings, database, clock and the WeChat gateways, built once per
process and handed to the web app, the scheduler and the CLI alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from publisher.core.clock import Clock, SystemClock
from publisher.db import make_engine, make_session_factory, read_only
from publisher.settings import AccountSettings, Settings

if TYPE_CHECKING:
    from publisher.wechat import Gateway, GatewayFactory, TokenStore


def real_gateway(settings: Settings, account: AccountSettings, token_store: TokenStore) -> Gateway:
    """The default gateway factory: the wechatpy-backed gateway, imported when the first
    gateway is made, so that commands which never call WeChat (`govpost --help`) load none of it."""
    from publisher.wechat import wechat_gateway

    return wechat_gateway(settings, account, token_store)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    # How an account's gateway is made: the wechatpy-backed one, or a test's fake.
    gateway_factory: GatewayFactory = real_gateway
    _gateways: dict[str, Gateway] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def read_session_factory(self) -> sessionmaker[Session]:
        """Sessions for work that only reads (console pages, reports): on SQLite they take no
        write lock, so a long read never holds the webhook's and the scheduler's writes."""
        return read_only(self.session_factory)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> "Runtime":
        from publisher.services.account_registry import merge_from_database

        engine = make_engine(settings.database_url, pool_size=settings.database_pool_size,
                             statement_timeout_ms=settings.database_statement_timeout_ms)
        settings = merge_from_database(settings, engine)
        return cls(settings, engine, make_session_factory(engine), clock or SystemClock())

    def gateway(self, account_name: str) -> Gateway:
        """The WeChat gateway of an account, one per process, sharing the token store."""
        if account_name not in self._gateways:
            account = self.settings.account(account_name)
            if account is None:
                raise LookupError(f"no configured account named {account_name!r}")
            from publisher.wechat import token_store_for

            store = token_store_for(self.settings, self.session_factory, self.clock)
            self._gateways[account_name] = self.gateway_factory(self.settings, account, store)
        return self._gateways[account_name]
