"""Several web processes (gunicorn with bot/gunicorn.conf.py, four workers) and the sandbox as
a process of its own, as a county would run them: the webhook works from any worker, and one message that WeChat
delivers three times at once, landing on different workers, is acted on once."""
import os
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from publisher.core.clock import SystemClock
from publisher.db import make_engine, make_session_factory, transaction
from publisher.models import InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply, wechat_post
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.settings import load_settings
from tests.support import BIN, free_port, start_process, wait_for_http

pytestmark = pytest.mark.slow
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "bot" / "gunicorn.conf.py"


@pytest.fixture
def county(database_url, tmp_path):
    web_port, sandbox_port = free_port(), free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    config = tmp_path / "govpost.toml"
    config.write_text('[[accounts]]\nname = "default"\naes_key = "' + "k" * 43 + '"\n', encoding="utf-8")
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": database_url,
           "GOVPOST_WECHAT_API_BASE": sandbox + "/", "GOVPOST_SANDBOX_PUSH_URL": web + "/wechat",
           "GOVPOST_SECRET_KEY": "shared-by-all-workers",
           "GOVPOST_BIND": f"127.0.0.1:{web_port}", "GOVPOST_WORKERS": "4"}
    subprocess.run([BIN / "govpost", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    processes = [
        start_process([BIN / "govpost", "sandbox", "--port", str(sandbox_port)], env),
        start_process([BIN / "gunicorn", "-c", str(GUNICORN_CONF), "bot.wsgi:app"], env),
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
