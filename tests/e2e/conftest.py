"""Fixtures of the end-to-end tests that start real processes."""
import os
from pathlib import Path

import pytest

from publisher.settings import load_settings
from tests.e2e.browsing import ARGS, CHROMIUM
from tests.support import BIN, db_upgrade, free_port, start_process, wait_for_http

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "bot" / "gunicorn.conf.py"


@pytest.fixture
def four_workers(database_url, tmp_path):
    """gunicorn with the shipped bot/gunicorn.conf.py and four workers, and the sandbox as a
    process of its own, as a county runs them; yields the web URL and the settings. Each
    request's worker pid and path (never its query) are logged to `tmp_path/access.log`."""
    web_port, sandbox_port = free_port(), free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    config = tmp_path / "govpost.toml"
    config.write_text('[[accounts]]\nname = "default"\naes_key = "' + "k" * 43 + '"\n', encoding="utf-8")
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": database_url,
           "GOVPOST_WECHAT_API_BASE": sandbox + "/", "GOVPOST_SANDBOX_PUSH_URL": web + "/wechat",
           "GOVPOST_SECRET_KEY": "shared-by-all-workers",
           "GOVPOST_BIND": f"127.0.0.1:{web_port}", "GOVPOST_WORKERS": "4"}
    db_upgrade(env)
    processes = [
        start_process([BIN / "govpost", "sandbox", "--port", str(sandbox_port)], env),
        start_process([BIN / "gunicorn", "-c", str(GUNICORN_CONF), "--access-logfile", str(tmp_path / "access.log"),
                       "--access-logformat", '%(p)s "%(m)s %(U)s" %(s)s', "bot.wsgi:app"], env),
    ]
    try:
        wait_for_http(sandbox + "/sandbox/state", processes[0])
        wait_for_http(web + "/healthz", processes[1])
        yield web, load_settings(config, environ=env)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=20)


@pytest.fixture
def browser():
    """Debian's headless chromium, launched by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
