"""How many SQL statements a webhook message costs (docs/benchmarks.md): on a 2-core machine
the webhook's throughput is mostly SQLAlchemy's Python work per statement, so a change that
adds statements to the hot path should be a decision, not an accident. The limits are what
the path costs now; BEGIN, SAVEPOINT and RELEASE count as statements too."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from bot.commands.table import COMMANDS
from publisher.db import transaction
from publisher.models import InboundMessage, PostImage
from publisher.sandbox import build_text_message, sign
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import bind, deactivate, invite, invite_key
from publisher.texts import chat as chat_texts
from publisher.texts import publishing as publishing_texts
from tests.bot.chat import send_picture
from tests.conftest import POSTGRES_URL
from tests.support import counting

AUTHOR, READER, CITIZEN = "oAuthor00000000000000000001", "oReader00000000000000000001", "oCitizen0000000000000000001"
_serial = itertools.count(1)

# Before (main at a821bdd): citizen 6, 队列 18, 查看 25; after perf-2 (56f1b4b): 6, 15, 19; perf-webhook2: 查看 10.
CITIZEN_LIMIT = 3  # BEGIN; the replay key; the message, stored with its account and sender found
# 队列 and 查看 on SQLite: a read transaction's BEGIN first (the command is answered before the
# write transaction, test_a_read_only_command_holds_the_write_lock_only_for_the_messages_writes,
# so the message is stored with its reply: no UPDATE of it).
QUEUE_LIMIT = 9  # those; member and open draft; the queue's posts, quota and bundles; audit
VIEW_LIMIT = 10  # the same six around the post with its topic, images, blocks, history with its names
# What a message writes beside a command's own work: the replay key, the message and its reply,
# the command's audit row.
_MESSAGE_WRITES = ("INSERT INTO webhook_replays", "INSERT INTO inbound_messages", "UPDATE inbound_messages",
                   "INSERT INTO audit_log")
READ_ARGS = {"查看": "1"}


@pytest.fixture
def chat(runtime, client):
    account_settings = runtime.settings.default_account
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, account_settings.name)
        key = invite_key(runtime.settings)
        for n, openid in enumerate((AUTHOR, READER)):
            code = invite(session, account, f"员工{n}", "admin", clock=runtime.clock, actor=CLI, key=key).code
            bind(session, account, openid, code, clock=runtime.clock, actor=CLI, key=key)

    def say(openid: str, text: str) -> str:
        serial = next(_serial)
        timestamp, nonce = str(int(runtime.clock.now().timestamp())), f"nonce{serial}"
        xml = build_text_message("gh_township", openid, text, msg_id=10**12 + serial)
        response = client.post("/wechat", query_string={
            "signature": sign(account_settings.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
        }, data=xml.encode())
        assert response.status_code == 200, response.data
        return response.data.decode()

    for text in ("投稿 #乡村振兴 合作社分红大会召开", "今天上午，村合作社召开分红大会，全体社员参加。", "完成"):
        say(AUTHOR, text)
    return say


def _cost(runtime, say, openid: str, text: str, *, answer: str = "") -> list[str]:
    say(openid, text)  # the first of its kind may warm caches
    with counting(runtime.engine) as statements:
        reply = say(openid, text)
    assert answer in reply
    return statements


def test_a_citizens_message_costs_at_most_its_stated_number_of_statements(runtime, chat):
    statements = _cost(runtime, chat, CITIZEN, "你好，请问低保怎么申请？",
                       answer=runtime.settings.citizen_auto_reply)
    assert len(statements) <= CITIZEN_LIMIT, "\n".join(statements)


def test_a_staff_queue_command_costs_at_most_its_stated_number_of_statements(runtime, chat):
    statements = _cost(runtime, chat, READER, "队列")
    assert len(statements) <= QUEUE_LIMIT, "\n".join(statements)


def test_a_staff_view_command_costs_at_most_its_stated_number_of_statements(runtime, chat):
    statements = _cost(runtime, chat, READER, "查看 1", answer="合作社分红大会召开")
    assert len(statements) <= VIEW_LIMIT, "\n".join(statements)


def test_a_staff_message_is_one_transaction_storing_the_message_with_its_sender_in_one_insert(runtime, chat):
    statements = _cost(runtime, chat, READER, "投稿 另一篇")
    begins = [s for s in statements if s.startswith("BEGIN")]  # SQLite's; psycopg begins implicitly
    assert begins in ([], [statements[0]]), "\n".join(statements)
    inbound = [s for s in statements if "inbound_messages" in s]
    assert len([s for s in inbound if s.startswith("INSERT")]) == 1 and "staff_id" in inbound[0]
    assert len([s for s in inbound if s.startswith("UPDATE")]) == 1  # the reply, once
    assert len([s for s in statements if s.startswith("INSERT INTO webhook_replays")]) == 1


@pytest.mark.parametrize("word", [word for word, c in COMMANDS.items() if c.reads_only])
def test_a_command_declared_reads_only_writes_nothing_of_its_own_and_runs_without_a_savepoint(runtime, chat, word):
    statements = _cost(runtime, chat, READER, f"{word} {READ_ARGS.get(word, '')}".strip())
    writes = [next((w for w in _MESSAGE_WRITES if s.startswith(w)), s) for s in statements
              if not s.startswith(("SELECT", "BEGIN"))]
    # The reply is written with the message where the command was answered first (SQLite), or after.
    assert writes in (list(_MESSAGE_WRITES[:2]) + ["INSERT INTO audit_log"],
                      list(_MESSAGE_WRITES[:2]) + ["INSERT INTO audit_log", "UPDATE inbound_messages"]), \
        "\n".join(writes)


def test_a_command_that_writes_still_runs_in_its_own_savepoint(runtime, chat):
    statements = _cost(runtime, chat, AUTHOR, "投稿 第二篇")
    assert len([s for s in statements if s.startswith("SAVEPOINT")]) == 1


def test_a_member_deactivated_a_moment_ago_is_answered_as_a_citizen_at_once(runtime, chat):
    assert "队列" in chat(READER, "帮助")
    with transaction(runtime.session_factory) as session:
        deactivate(session, account_by_name(session, runtime.settings.default_account.name), "员工1",
                   clock=runtime.clock, actor=CLI)
    assert runtime.settings.citizen_auto_reply in chat(READER, "队列")


def test_view_tells_a_saved_picture_from_a_pending_one_without_loading_any_picture_bytes(runtime, chat):
    chat(AUTHOR, "修改 1")
    send_picture(runtime, AUTHOR, "media-saved")
    send_picture(runtime, AUTHOR, "media-pending")
    with transaction(runtime.session_factory) as session:
        saved = session.scalars(select(PostImage).where(PostImage.source_media_id == "media-saved")).one()
        saved.data, saved.fetched_at = b"\xff\xd8", runtime.clock.now()
    post_id = saved.post_id

    with counting(runtime.engine) as statements:
        view = chat(AUTHOR, f"查看 {post_id}").splitlines()

    assert chat_texts.VIEW_IMAGE_BLOCK.format(number=2, cover=chat_texts.VIEW_IMAGE_COVER, pending="") in view
    assert chat_texts.VIEW_IMAGE_BLOCK.format(number=3, cover="", pending=chat_texts.VIEW_IMAGE_PENDING) in view
    loading_bytes = [s for s in statements if "post_images.data" in _selected_columns(s)]
    assert not loading_bytes, "\n".join(loading_bytes)


def _selected_columns(statement: str) -> list[str]:
    """The column list of a SELECT, one item each (an expression such as `data IS NOT NULL` is one item)."""
    if not statement.startswith("SELECT "):
        return []
    return [item.strip() for item in statement[len("SELECT "):].split("FROM")[0].split(",")]


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the write lock both workers queue on (BEGIN IMMEDIATE) is SQLite's")
@pytest.mark.parametrize("word", [word for word, c in COMMANDS.items() if c.reads_only])
def test_a_read_only_command_holds_the_write_lock_only_for_the_messages_writes(runtime, chat, word):
    statements = _cost(runtime, chat, READER, f"{word} {READ_ARGS.get(word, '')}".strip())
    assert statements[0] == "BEGIN"  # the command's reads: deferred, no lock
    locked = statements[statements.index("BEGIN IMMEDIATE") + 1:]
    # The message is stored with the reply already made: no UPDATE of it under the lock.
    assert [next(w for w in _MESSAGE_WRITES if s.startswith(w)) for s in locked] == [
        "INSERT INTO webhook_replays", "INSERT INTO inbound_messages", "INSERT INTO audit_log"], "\n".join(locked)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="answered before the write transaction on SQLite only")
def test_a_member_removed_while_their_read_only_command_was_answered_is_answered_as_a_citizen(
        runtime, chat, monkeypatch):
    from bot.commands import dispatch

    answer_before_writing = dispatch._answer_before_writing

    def and_then_removed(*args):
        early = answer_before_writing(*args)
        assert early is not None and early.reply == publishing_texts.QUEUE_EMPTY  # the member's answer was ready
        with transaction(runtime.session_factory) as session:
            deactivate(session, account_by_name(session, runtime.settings.default_account.name), "员工1",
                       clock=runtime.clock, actor=CLI)
        return early

    monkeypatch.setattr(dispatch, "_answer_before_writing", and_then_removed)
    reply = chat(READER, "队列")
    assert runtime.settings.citizen_auto_reply in reply and publishing_texts.QUEUE_EMPTY not in reply
    with runtime.session_factory() as session:  # and the message is kept with the answer given
        stored = session.scalars(select(InboundMessage.reply).order_by(InboundMessage.id.desc())).first()
    assert stored == runtime.settings.citizen_auto_reply


def test_a_read_only_command_after_a_long_silence_still_closes_the_idle_draft_first(runtime, chat):
    from publisher.models.chat import DraftSession

    chat(AUTHOR, "投稿 #乡村振兴 春耕备耕")
    with runtime.session_factory() as session:
        post_id = session.query(DraftSession).one().post_id
    minutes = runtime.settings.draft_idle_minutes
    runtime.clock.advance(minutes=minutes + 1)
    reply = chat(AUTHOR, "队列")
    notice = chat_texts.DRAFT_IDLE_CLOSED.format(post_id=post_id, title="春耕备耕", minutes=minutes)
    assert notice in reply and publishing_texts.QUEUE_EMPTY in reply  # the notice, then the answer
    with runtime.session_factory() as session:
        assert session.query(DraftSession).count() == 0
