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

from tests.support import wait_for_http

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-serve")]
GOVPOST = str(Path(sys.executable).with_name("govpost"))


# gunicorn gives its workers graceful_timeout (10 s, bot/gunicorn.conf.py) to finish: a loaded
# machine may need all of it, and the scheduler child stops after them.
SHUTDOWN_WAIT = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the module's tests (a start and a stop cost seconds each): they read it,
    or add what no other test looks at. In one xdist group, so that one worker starts it."""
    tmp_path = tmp_path_factory.mktemp("served")
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
    output = process.communicate(timeout=SHUTDOWN_WAIT)[0]
    assert "Traceback" not in output, output


def test_serve_starts_in_sandbox_mode_and_answers_health(served):
    url, _ = served
    health = requests.get(f"{url}/healthz", timeout=5).json()
    assert health == {"status": "ok", "database": "ok", "schema": "ok", "sandbox": True, **{
        k: v for k, v in health.items() if k not in {"status", "database", "schema", "sandbox"}}}


def test_the_served_sandbox_is_one_wechat_whichever_worker_answers(served):
    # A picture a member sends is uploaded to the sandbox and fetched by govpost later, maybe
    # through another connection: every request must see the same sandbox state.
    url, _ = served
    before = requests.get(f"{url}/sandbox/state", timeout=5).json()
    appid, held = before["accounts"][0]["appid"], before["materials"].get("temp", 0)
    picture = (Path(__file__).resolve().parents[2] / "config" / "covers" / "default.jpg").read_bytes()
    for n in range(6):
        uploaded = requests.post(f"{url}/sandbox/user_media", params={"appid": appid, "filename": f"p{n}.jpg"},
                                 data=picture, timeout=5)
        assert uploaded.status_code == 200, uploaded.text
    seen = [requests.get(f"{url}/sandbox/state", timeout=5).json()["materials"].get("temp", 0) for _ in range(8)]
    assert seen == [held + 6] * 8


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


def test_first_serve_in_sandbox_mode_prints_a_console_login_that_works(tmp_path):
    import re

    from publisher.texts import console as console_texts

    env = {**os.environ, "GOVPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'govpost.db'}", "GOVPOST_CONFIG": ""}
    for name in ("WECHAT_APPID", "WECHAT_SECRET", "GOVPOST_WECHAT_API_BASE", "GOVPOST_REDIS_URL"):
        env.pop(name, None)
    subprocess.run([GOVPOST, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    port = _free_port()
    process = subprocess.Popen([GOVPOST, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    pattern = re.escape(console_texts.SANDBOX_ADMIN_CREATED).replace(r"\{url\}", "(?P<url>\\S+)").replace(
        r"\{username\}", "(?P<username>\\S+)").replace(r"\{password\}", "(?P<password>\\S+)")
    try:
        for line in process.stdout:
            found = re.search(pattern, line)
            if found:
                break
        else:
            pytest.fail("no console login printed")
        url = found["url"]
        assert url == f"http://127.0.0.1:{port}/"
        browser = requests.Session()
        deadline = time.monotonic() + 30
        while True:
            try:
                page = browser.get(url + "login", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        signed_in = browser.post(url + "login", data={"username": found["username"], "password": found["password"],
                                                      "csrf_token": token}, timeout=10)
        assert signed_in.ok and console_texts.NAV_DASHBOARD in signed_in.text
        assert browser.get(url, timeout=5).url == url  # the dashboard, not the login
    finally:
        process.terminate()
        process.communicate(timeout=SHUTDOWN_WAIT)
    # A second start says where the console is, and prints no new password.
    port = _free_port()
    second = subprocess.Popen([GOVPOST, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    expected = console_texts.SANDBOX_ADMIN_EXISTS.format(url=f"http://127.0.0.1:{port}/")
    try:
        for line in second.stdout:
            assert not re.search(pattern, line)
            if expected in line:
                break
        else:
            pytest.fail("the console's address was not printed")
        # Stopped once it serves, as the first: a stop in the middle of its start-up (workers
        # still importing the app) can take longer than SHUTDOWN_WAIT on a loaded machine.
        wait_for_http(f"http://127.0.0.1:{port}/healthz", second)
    finally:
        second.terminate()
        second.communicate(timeout=SHUTDOWN_WAIT)


def _say(url: str, openid: str, text: str, serial: int) -> requests.Response:
    from publisher.sandbox import build_text_message, sign
    from publisher.settings import SANDBOX_TOKEN

    timestamp, nonce = str(int(time.time())), f"served-{openid}-{serial}"
    xml = build_text_message("gh_served", openid, text, msg_id=7_700_000 + serial)
    return requests.post(f"{url}/wechat", params={"signature": sign(SANDBOX_TOKEN, timestamp, nonce),
                                                  "timestamp": timestamp, "nonce": nonce},
                         data=xml.encode(), timeout=10)


def _inbound_count(url: str) -> float:
    metrics = requests.get(f"{url}/metrics", timeout=5).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("govpost_inbound_messages") and not line.startswith("#"))


def test_the_served_webhook_keeps_citizens_messages_and_answers_a_bound_member(served):
    # The webhook as `govpost serve` runs it: the engine disposed in the master and in each
    # forked worker, messages written whichever worker answers.
    from publisher.texts import publishing as publishing_texts

    url, env = served
    before = _inbound_count(url)
    for n in range(6):
        answered = _say(url, f"oServedCitizen{n:02d}", "你好，请问低保怎么申请？", n)
        assert answered.status_code == 200, answered.text
    assert _inbound_count(url) == before + 6

    invited = subprocess.run([GOVPOST, "staff", "invite", "赵六", "--role", "admin"], env=env,
                             capture_output=True, text=True, timeout=60, check=True)
    code = invited.stdout.strip().splitlines()[-1]
    assert _say(url, "oServedMember01", f"绑定 {code}", 10).status_code == 200
    queue = _say(url, "oServedMember01", "队列", 11)
    assert queue.status_code == 200 and publishing_texts.QUEUE_EMPTY in queue.text, queue.text
