"""A web worker loads what answering requests needs, not what a rare command does: Alembic
(only `db upgrade` migrates; start-up only asks whether the schema is current) and the
document writers (only a report download or a ledger import uses them). Each was several MB
in every worker (docs/benchmarks.md, worker memory)."""
import os
import subprocess
import sys

from publisher.migrate import is_current
from publisher.db import make_engine

RARE = ["alembic", "mako", "openpyxl", "docx", "matplotlib", "redis"]  # redis: only when configured

PROBE = """
import sys
from bot.wsgi import app
print("LOADED", [m for m in {rare!r} if m in sys.modules])
"""


def test_a_web_worker_starts_without_alembic_or_the_document_writers(database_url, tmp_path):
    engine = make_engine(database_url)
    assert is_current(engine)  # the worker's start-up check runs its full path
    engine.dispose()
    env = {**os.environ, "GOVPOST_DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-c", PROBE.format(rare=RARE)], capture_output=True, text=True,
                         timeout=60, env=env, cwd=tmp_path)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
