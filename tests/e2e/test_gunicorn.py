"""Several web processes (gunicorn with bot/gunicorn.conf.py, four workers) and the sandbox as
a process of its own, as a county would run them: the webhook works from any worker, and one message that WeChat
delivers three times at once, landing on different workers, is acted on once. Which worker
accepts a connection is the kernel's choice, so the delivery is repeated (a new staff member
and message each round) until the access log shows one round's three copies answered by at
least two different workers; every round must act once."""
import re
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
from tests.support import wait_until

pytestmark = pytest.mark.slow


ROUNDS = 10


def test_gunicorn_workers_bind_staff_and_act_once_on_a_message_delivered_three_times(four_workers, tmp_path):
    web, settings = four_workers
    account = settings.default_account
    session_factory = make_session_factory(make_engine(settings.database_url))
    access_log = tmp_path / "access.log"

    def say(openid: str, text: str, msg_id: int, path: str = "/wechat") -> str:
        xml = build_text_message("gh_township", openid, text, msg_id=msg_id)
        response = wechat_post(web + path, xml, account, mode="safe", timeout=10)
        assert response.status_code == 200, response.text
        return decrypt_reply(response, account)

    def delivery_pids() -> list[str]:
        """The worker of each copy delivered so far (to /wechat/default; binds go to /wechat)."""
        lines = access_log.read_text(encoding="utf-8").splitlines() if access_log.exists() else []
        return [line.split()[0] for line in lines if '"POST /wechat/default"' in line]

    for round_ in range(1, ROUNDS + 1):
        openid = f"o-editor-{round_}"
        with transaction(session_factory) as session:
            code = invite(session, account_by_name(session, "default"), f"编辑{round_}", "editor",
                          clock=SystemClock(), actor=CLI, key=invite_key(settings)).code
        assert "绑定成功" in say(openid, f"绑定 {code}", 100 * round_)
        replies, barrier = [], threading.Barrier(3)

        def deliver():
            barrier.wait()
            replies.append(say(openid, "投稿 三个进程同时收到的稿件", 100 * round_ + 1, path="/wechat/default"))

        threads = [threading.Thread(target=deliver) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        # The same answer to each copy (CreateTime aside: the copies may straddle a second).
        contents = {re.search(r"<Content><!\[CDATA\[(.*?)\]\]></Content>", r, re.S)[1] for r in replies}
        assert len(replies) == 3 and len(contents) == 1 and "已开始稿件" in contents.pop()
        with session_factory() as session:
            assert session.scalar(select(func.count()).select_from(Post)) == round_
            assert session.scalar(select(func.count()).select_from(InboundMessage)) == 2 * round_
        pids = wait_until(lambda: p if len(p := delivery_pids()) == 3 * round_ else None, timeout=10)
        answered_by = set(pids[-3:])
        if len(answered_by) >= 2:
            break
    else:
        pytest.fail(f"in {ROUNDS} rounds no two workers answered the same message's copies")
