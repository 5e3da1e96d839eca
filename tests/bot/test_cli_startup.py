"""`govpost --help` (and any command) starts without the heavy libraries only some commands use."""
import subprocess
import sys

HEAVY = ["docx", "openpyxl", "wechatpy", "apscheduler", "alembic", "publisher.sandbox", "cn2an", "tqdm",
         "requests", "gunicorn"]

PROBE = f"""
import sys
from bot.cli import cli
try:
    cli.main(["--help"], standalone_mode=False)
finally:
    print("LOADED", [m for m in {HEAVY!r} if m in sys.modules])
"""


def test_help_imports_none_of_the_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert "LOADED []" in out.stdout, out.stdout
