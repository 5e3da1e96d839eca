"""Eight senders of one invite code at once, against gunicorn with four workers (the attack
of issue 9, item 4): exactly one is told 绑定成功 and bound, the seven others get the
已使用 answer, none a 处理时出了问题 from a deadlock. On PostgreSQL when
GOVPOST_TEST_DATABASE_URL is set, as in production."""
import os
import subprocess
import threading

import pytest
from sqlalchemy import select

from publisher.core.clock import SystemClock
from publisher.db import make_engine, make_session_factory, transaction
from publisher.models import Staff
from publisher.sandbox import build_text_message, decrypt_reply, wechat_post
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.settings import load_settings
from publisher.texts import staff as texts
from tests.support import BIN, free_port, start_process, wait_for_http

pytestmark = pytest.mark.slow
SENDERS = 8


@pytest.fixture
def four_workers(database_url, tmp_path):
    web_port, sandbox_port = free_port(), free_port()
    web, sandbox = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    config = tmp_path / "govpost.toml"
    config.write_text('[[accounts]]\nname = "default"\naes_key = "' + "k" * 43 + '"\n', encoding="utf-8")
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": database_url,
           "GOVPOST_WECHAT_API_BASE": sandbox + "/", "GOVPOST_SANDBOX_PUSH_URL": web + "/wechat",
           "GOVPOST_SECRET_KEY": "shared-by-all-workers"}
    subprocess.run([BIN / "govpost", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    processes = [
        start_process([BIN / "govpost", "sandbox", "--port", str(sandbox_port)], env),
        start_process([BIN / "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{web_port}", "bot.wsgi:app"], env),
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


def test_eight_concurrent_binds_of_one_code_under_four_workers_bind_exactly_one(four_workers):
    web, settings = four_workers
    account = settings.default_account
    session_factory = make_session_factory(make_engine(settings.database_url))
    with transaction(session_factory) as session:
        code = invite(session, account_by_name(session, "default"), "周审核", "reviewer",
                      clock=SystemClock(), actor=CLI, key=invite_key(settings)).code

    replies, start = {}, threading.Barrier(SENDERS)

    def bind(n: int) -> None:
        xml = build_text_message("gh_township", f"o-sender-{n}", f"绑定 {code}", msg_id=1000 + n)
        start.wait()
        response = wechat_post(web + "/wechat", xml, account, mode="safe", timeout=20)
        replies[f"o-sender-{n}"] = (response.status_code, decrypt_reply(response, account))

    threads = [threading.Thread(target=bind, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert {status for status, _ in replies.values()} == {200}, replies
    bound = [openid for openid, (_, reply) in replies.items() if "绑定成功" in reply]
    assert len(bound) == 1, replies
    assert sorted(texts.CODE_USED in reply for openid, (_, reply) in replies.items() if openid not in bound) == (
        [True] * (SENDERS - 1)), replies
    with session_factory() as session:
        assert session.scalars(select(Staff.openid)).all() == bound
