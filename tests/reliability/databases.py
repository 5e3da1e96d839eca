"""Both databases for the tests that must hold on each: a migrated SQLite file, or a
throwaway PostgreSQL database on the machine's server (as tests/conftest.py makes one),
each new per test so that pytest-xdist workers never share one."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from publisher.db import database_url, make_engine
from publisher.migrate import upgrade

POSTGRES_SERVER = os.environ.get("GOVPOST_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("sqlite", "postgresql")


@contextmanager
def throwaway_database(kind: str, tmp_path):
    """Yields the URL of a freshly migrated database of that kind; drops it afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'reliability.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    server = database_url(POSTGRES_SERVER)
    name = f"govpost_rel_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
