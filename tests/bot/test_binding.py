"""绑定 through `handle_message`, as the webhook calls it: eight senders of one code at once
(threads against the real database: SQLite, or PostgreSQL with GOVPOST_TEST_DATABASE_URL),
and what is kept of the code afterwards."""
from __future__ import annotations

import itertools
import threading

from sqlalchemy import select

from bot.commands import dispatch
from publisher.db import transaction
from publisher.models import AuditEntry, InboundMessage, Staff
from publisher.sandbox import build_text_message
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.texts import staff as texts
from publisher.wechat import parse_message

SENDERS = 8
_msg_ids = itertools.count(1)


def _invite(runtime, name="周审核", role="reviewer") -> str:
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, "default")
        return invite(session, account, name, role, clock=runtime.clock, actor=CLI,
                      key=invite_key(runtime.settings)).code


def _say(runtime, openid: str, text: str) -> str | None:
    xml = build_text_message("gh_township", openid, text, msg_id=next(_msg_ids),
                             create_time=int(runtime.clock.now().timestamp()))
    return dispatch.handle_message(runtime, "default", parse_message(xml), xml)


def test_eight_concurrent_binds_of_one_code_bind_exactly_one_sender(runtime):
    code = _invite(runtime)
    start = threading.Barrier(SENDERS)
    replies: dict[str, str | None] = {}

    def send(openid: str) -> None:
        start.wait()
        try:
            replies[openid] = _say(runtime, openid, f"绑定 {code}")
        except Exception as exc:  # a deadlock or a serialisation failure would land here
            replies[openid] = f"raised {type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=send, args=(f"o-sender-{i}",)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    told_bound = [o for o, reply in replies.items() if reply and reply.startswith("绑定成功")]
    assert len(told_bound) == 1, replies
    assert sorted(r for o, r in replies.items() if o not in told_bound) == [texts.CODE_USED] * (SENDERS - 1)
    with runtime.session_factory() as session:
        assert session.scalars(select(Staff.openid)).all() == told_bound


def test_a_bind_attempt_keeps_the_code_masked_in_the_stored_message_and_the_audit_log(runtime):
    code = _invite(runtime)
    wrong = "ZZZZ2345"
    assert _say(runtime, "o-guess", f"绑定 {wrong}") == texts.CODE_INVALID
    assert _say(runtime, "o-glued", f"绑定{wrong}") is None  # not a command, but a code all the same
    assert _say(runtime, "o-zhou", f"绑定 {code}").startswith("绑定成功")

    with runtime.session_factory() as session:
        raws = session.scalars(select(InboundMessage.raw).order_by(InboundMessage.id)).all()
        details = [str(e.detail) for e in session.scalars(select(AuditEntry))]
        commands = [e.detail["args"] for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "chat.command"))]
    assert len(raws) == 3 and all("<Content><![CDATA[绑定 ****]]></Content>" in raw for raw in raws)
    for secret in (code, wrong):
        assert not any(secret in text for text in raws + details)
    assert commands == ["****", "****"]


def test_a_bind_written_with_escaped_characters_is_masked_too(runtime):
    code = _invite(runtime)
    escaped = "".join(f"&#{ord(c)};" for c in f"绑定 {code}")
    xml = (f"<xml><ToUserName>gh_township</ToUserName><FromUserName>o-zhou</FromUserName>"
           f"<CreateTime>{int(runtime.clock.now().timestamp())}</CreateTime><MsgType>text</MsgType>"
           f"<Content>{escaped}</Content><MsgId>99</MsgId></xml>")
    assert dispatch.handle_message(runtime, "default", parse_message(xml), xml).startswith("绑定成功")
    with runtime.session_factory() as session:
        raw = session.scalars(select(InboundMessage.raw)).one()
    assert code not in raw and escaped not in raw
