"""`govpost --help`, and the help of every command, start without the libraries only running a
command needs: no database layer, no web framework, no document writers (issue 11, item 15)."""
import subprocess
import sys

import pytest

HEAVY = ["sqlalchemy", "flask", "docx", "openpyxl", "wechatpy", "apscheduler", "alembic", "publisher.sandbox",
         "publisher.models", "publisher.runtime", "cn2an", "tqdm", "requests", "gunicorn"]

PROBE = """
import sys
from bot.cli import cli
try:
    cli.main({args!r}, prog_name="govpost", standalone_mode=False)
finally:
    print("LOADED", [m for m in {heavy!r} if m in sys.modules])
"""

HELPS = [["--help"], ["ledger", "--help"], ["register", "article20", "--help"], ["staff", "invite", "--help"],
         ["account", "--help"], ["report", "--help"], ["inspect", "--help"], ["db", "--help"], ["say", "--help"],
         ["serve", "--help"], ["reach", "pull", "--help"]]


@pytest.mark.parametrize("args", HELPS, ids=" ".join)
def test_help_loads_none_of_the_heavy_libraries(args):
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)], capture_output=True,
                         text=True, timeout=60)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
