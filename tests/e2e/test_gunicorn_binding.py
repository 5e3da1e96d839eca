"""Eight senders of one invite code at once, against gunicorn with four workers (the attack
of issue 9, item 4): exactly one is told 绑定成功 and bound, the seven others get the
已使用 answer, none a 处理时出了问题 from a deadlock. On PostgreSQL when
GOVPOST_TEST_DATABASE_URL is set, as in production."""
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
from publisher.texts import staff as texts

pytestmark = pytest.mark.slow
SENDERS = 8


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
