"""Several web processes (gunicorn with bot/gunicorn.conf.py, four workers) and the sandbox as
a process of its own, as a county would run them: the webhook works from any worker, and one message that WeChat
delivers three times at once, landing on different workers, is acted on once."""
import threading

import pytest
from sqlalchemy import func, select

from publisher.core.clock import SystemClock
from publisher.db import make_engine, make_session_factory, transaction
from publisher.models import InboundMessage, Post
from publisher.sandbox import build_text_message, decrypt_reply, wechat_post
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key

pytestmark = pytest.mark.slow


def test_gunicorn_workers_bind_staff_and_act_once_on_a_message_delivered_three_times(four_workers):
    web, settings = four_workers
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
