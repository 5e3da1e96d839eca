"""Schema migrations (Alembic), run by `govpost db upgrade` and by the test fixtures."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported by the functions that use it: every CLI command imports this module,
# and most never migrate.

VERSIONS = Path(__file__).parent / "migrations" / "versions"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "publisher:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision() -> str:
    """The newest migration's revision. Migrations are one line, numbered in order (0001_…,
    0002_…, each file's revision its number; tests/publisher/test_migrations.py checks that
    against Alembic's own reading), so the highest number is the head."""
    return max(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9]*_*.py"))


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest schema. Every web worker asks at start-up: read
    without Alembic, whose scripts and templates cost each worker 10 MB it never uses again."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions == [head_revision()]
