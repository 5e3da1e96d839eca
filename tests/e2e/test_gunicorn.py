"""Several web processes (gunicorn with bot/gunicorn.conf.py, four workers) and the sandbox as
a process of its own, as a county would run them: the webhook works from any worker, and one message that WeChat
delivers three times at once, landing on different workers, is acted on once."""
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from publisher.accounts import account_by_name
from publisher.audit import CLI
from publisher.clock import SystemClock
from publisher.db import make_engine, make_session_factory, transaction
from publisher.models import InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply, wechat_post
from publisher.settings import load_settings
from publisher.staff import invite, invite_key
from tests.support import wait_until

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "bot" / "gunicorn.conf.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args, env) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    def up():
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited: {process.stdout.read()}")
        try:
            return requests.get(url, timeout=1).ok
        except requests.RequestException:  # not listening yet, or its workers still booting
            return False

    wait_until(up, timeout=60, interval=0.2)


@pytest.fixture
def county(database_url, tmp_path):
    web_port, sandbox_port = _free_port(), _free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    config = tmp_path / "govpost.toml"
    config.write_text('[[accounts]]\nname = "default"\naes_key = "' + "k" * 43 + '"\n', encoding="utf-8")
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": database_url,
           "GOVPOST_WECHAT_API_BASE": sandbox + "/", "GOVPOST_SANDBOX_PUSH_URL": web + "/wechat",
           "GOVPOST_SECRET_KEY": "shared-by-all-workers",
           "GOVPOST_BIND": f"127.0.0.1:{web_port}", "GOVPOST_WORKERS": "4"}
    subprocess.run([BIN / "govpost", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    processes = [
        _start([BIN / "govpost", "sandbox", "--port", str(sandbox_port)], env),
        _start([BIN / "gunicorn", "-c", str(GUNICORN_CONF), "bot.wsgi:app"], env),
    ]
    try:
        _wait_for(sandbox + "/sandbox/state", processes[0])
        _wait_for(web + "/healthz", processes[1])
        yield web, load_settings(config, environ=env)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=20)


def test_gunicorn_workers_bind_staff_and_act_once_on_a_message_delivered_three_times(county):
    web, settings = county
    account = settings.default_account
    session_factory = make_session_factory(make_engine(settings.database_url))
    with transaction(session_factory) as session:
        code = invite(session, account_by_name(session, "default"), "张三", "editor",
                      clock=SystemClock(), actor=CLI, key=invite_key(settings)).code

    def say(text: str, msg_id: int) -> str:
        xml = build_text_message("gh_township", "o-zhangsan", text, msg_id=msg_id)
        response = wechat_post(web + "/wechat", xml, account, mode="safe", timeout=10)
        assert response.status_code == 200, response.text
        return decrypt_reply(response, account)

    assert "绑定成功" in say(f"绑定 {code}", 1)

    replies, barrier = [], threading.Barrier(3)

    def deliver():
        barrier.wait()
        replies.append(say("投稿 三个进程同时收到的稿件", 2))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(replies) == 3 and len(set(replies)) == 1 and "已开始稿件" in replies[0]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 1
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 2
