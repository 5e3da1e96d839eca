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
        engine = make_engine(settings.database_url)
        return cls(settings, engine, make_session_factory(engine), clock or SystemClock())

    @property
    def api_base(self) -> str:
        """Where the WeChat API is: the configured base, or WeChat itself."""
        from publisher.settings import WECHAT_API_BASE

        return self.settings.wechat_api_base or WECHAT_API_BASE
