"""The quick start as a newcomer runs it: `govpost db upgrade` then `govpost serve`, on a
fresh database, in sandbox mode, as real processes on a real port."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow
GOVPOST = str(Path(sys.executable).with_name("govpost"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, "GOVPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'govpost.db'}", "GOVPOST_CONFIG": ""}
    for name in ("WECHAT_APPID", "WECHAT_SECRET", "GOVPOST_WECHAT_API_BASE", "GOVPOST_REDIS_URL"):
        env.pop(name, None)
    subprocess.run([GOVPOST, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    port = _free_port()
    process = subprocess.Popen(
        [GOVPOST, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                break
        except requests.RequestException:  # not listening yet, or its workers still booting
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("govpost serve did not answer /healthz: " + process.stdout.read())
    yield url, env
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "Traceback" not in output, output


def test_serve_starts_in_sandbox_mode_and_answers_health(served):
    url, _ = served
    health = requests.get(f"{url}/healthz", timeout=5).json()
    assert health == {"status": "ok", "database": "ok", "schema": "ok", "sandbox": True, **{
        k: v for k, v in health.items() if k not in {"status", "database", "schema", "sandbox"}}}


def test_the_served_sandbox_pushes_events_to_this_servers_webhook(served):
    url, _ = served
    state = requests.get(f"{url}/sandbox/state", timeout=5).json()
    assert state["accounts"][0]["push_url"] == f"{url}/wechat"


def test_metrics_are_prometheus_text(served):
    url, _ = served
    response = requests.get(f"{url}/metrics", timeout=5)
    assert response.ok and "govpost_inbound_messages" in response.text


def test_a_staff_invitation_made_while_serving_is_listed(served):
    _, env = served
    invited = subprocess.run([GOVPOST, "staff", "invite", "王五", "--role", "admin"], env=env,
                             capture_output=True, text=True, timeout=60, check=True)
    code = invited.stdout.strip().splitlines()[-1]
    assert len(code) == 8
    listing = subprocess.run([GOVPOST, "staff", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert "王五" in listing.stdout
