"""Clients that trickle their request (a header line a second) must not keep WeChat's signed
messages from being answered: gunicorn as shipped (bot/gunicorn.conf.py) drops a request that
has not arrived within its read deadline, so their threads come free again."""
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from publisher.sandbox import build_text_message, decrypt_reply, wechat_post
from publisher.settings import load_settings
from tests.support import db_upgrade, wait_until

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
CONF = Path(__file__).resolve().parents[2] / "bot" / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _trickle(port: int, stop: threading.Event) -> None:
    """A request that never ends: one header line a second, as long as the server listens."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /wechat HTTP/1.1\r\nHost: x\r\n")
        n = 0
        while not stop.wait(1):
            try:
                sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
            except OSError:
                return  # the server hung up on us: what it should do
            n += 1


@pytest.fixture
def one_worker(tmp_path):
    """gunicorn with the shipped configuration, down to one worker of four threads: the four
    slow clients below are enough to take every thread it has."""
    port = _free_port()
    env = {**os.environ, "GOVPOST_DATABASE_URL": f"sqlite:///{tmp_path / 'govpost.db'}", "GOVPOST_CONFIG": "",
           "GOVPOST_WORKERS": "1", "GOVPOST_THREADS": "4", "GOVPOST_WECHAT_API_BASE": "http://127.0.0.1:9/"}
    for name in ("WECHAT_APPID", "WECHAT_SECRET", "GOVPOST_REDIS_URL"):
        env.pop(name, None)
    db_upgrade(env)
    process = subprocess.Popen([BIN / "gunicorn", "-c", str(CONF), "--bind", f"127.0.0.1:{port}", "bot.wsgi:app"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def up():
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {process.stdout.read()}")
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
        except requests.RequestException:  # not listening yet, or its workers still booting
            return False

    try:
        wait_until(up, timeout=60, interval=0.2)
        yield port, load_settings(environ=env)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_four_slow_clients_do_not_stop_a_signed_message_from_being_answered_within_5_s(one_worker):
    port, settings = one_worker
    stop = threading.Event()
    slow = [threading.Thread(target=_trickle, args=(port, stop), daemon=True) for _ in range(4)]
    for client in slow:
        client.start()
    try:
        time.sleep(0.5)  # every thread is now reading a slow client's headers
        started = time.monotonic()
        xml = build_text_message("gh_govpost", "o-citizen-slow-test", "你好")
        response = wechat_post(f"http://127.0.0.1:{port}/wechat", xml, settings.default_account, timeout=10)
        answered_after = time.monotonic() - started
    finally:
        stop.set()
    assert response.status_code == 200
    assert decrypt_reply(response, settings.default_account) != ""
    assert answered_after < 5, f"answered after {answered_after:.1f} s"
