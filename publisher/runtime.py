"""The composition root: settings, database and clock, built once per process and handed to
the web app, the scheduler and the CLI alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from publisher.clock import Clock, SystemClock
from publisher.db import make_engine, make_session_factory
from publisher.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> "Runtime":
        from publisher.account_registry import merge_from_database

        engine = make_engine(settings.database_url, pool_size=settings.database_pool_size,
                             statement_timeout_ms=settings.database_statement_timeout_ms)
        settings = merge_from_database(settings, engine)
        return cls(settings, engine, make_session_factory(engine), clock or SystemClock())

    _gateways: dict = field(default_factory=dict, repr=False)

    def gateway(self, account_name: str):
        """The WeChat gateway of an account, one per process, sharing the token store."""
        if account_name not in self._gateways:
            from publisher.wechat import make_gateway, token_store_for

            account = self.settings.account(account_name)
            if account is None:
                raise LookupError(f"no configured account named {account_name!r}")
            if self.settings.sandbox_mode and not self.settings.wechat_api_base:
                # Sandbox credentials must never reach the real WeChat API.
                raise LookupError("sandbox mode needs GOVPOST_WECHAT_API_BASE (govpost serve sets it)")
            store = token_store_for(self.settings, self.session_factory, self.clock)
            self._gateways[account_name] = make_gateway(self.settings, account, store)
        return self._gateways[account_name]
