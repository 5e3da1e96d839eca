"""What a command prints besides its answer: nothing of the libraries' start-up chatter."""
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def test_a_cli_command_prints_no_alembic_or_scheduler_info_lines(database_url):
    env = {**os.environ, "GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": "", "GOVPOST_LOG_LEVEL": "INFO"}
    subprocess.run([BIN / "govpost", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    listed = subprocess.run([BIN / "govpost", "staff", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    noise = [line for line in (listed.stdout + listed.stderr).splitlines()
             if " INFO alembic" in line or " INFO apscheduler" in line]
    assert noise == []
