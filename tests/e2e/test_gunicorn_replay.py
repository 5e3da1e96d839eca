"""The replay cache and the message-mode rule under gunicorn (issue 9, F1): two servers of two
workers each on one database, four workers in all. A query seen by one server, replayed at once
to the other, carries no other message; a forged plain body never commands a safe-mode account;
the access logs print neither query. (Which worker of one server accepts a connection is the
kernel's choice, so sending the genuine message and its replays to different servers is what
makes "another process refuses it" certain.)"""
from __future__ import annotations

import os
import re
import threading
import time

import pytest
import requests
from sqlalchemy import func, select

from publisher.core.clock import SystemClock
from publisher.db import make_engine, make_session_factory, transaction
from publisher.models import InboundMessage, InviteCode, Staff
from publisher.sandbox import build_text_message, decrypt_reply, sign, wechat_post
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.settings import load_settings
from tests.support import BIN, db_upgrade, free_port, start_process, wait_for_http

pytestmark = pytest.mark.slow
WORKERS = 4
SERVERS = 2
ATTACKER = "oAttacker0000000000000000001"


@pytest.fixture
def county(database_url, tmp_path):
    ports, sandbox_port = [free_port() for _ in range(SERVERS)], free_port()
    webs, sandbox = [f"http://127.0.0.1:{port}" for port in ports], f"http://127.0.0.1:{sandbox_port}"
    config, logs = tmp_path / "govpost.toml", [tmp_path / f"access-{n}.log" for n in range(SERVERS)]
    config.write_text('[[accounts]]\nname = "default"\naes_key = "' + "k" * 43 + '"\n'
                      '[[accounts]]\nname = "town2"\n', encoding="utf-8")
    env = {**os.environ, "GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": database_url,
           "GOVPOST_WECHAT_API_BASE": sandbox + "/", "GOVPOST_SANDBOX_PUSH_URL": webs[0] + "/wechat",
           "GOVPOST_SECRET_KEY": "shared-by-all-workers"}
    db_upgrade(env)
    processes = [start_process([BIN / "govpost", "sandbox", "--port", str(sandbox_port)], env)] + [
        start_process([BIN / "gunicorn", "--workers", str(WORKERS // SERVERS), "--bind", f"127.0.0.1:{port}",
                       "--access-logfile", str(log), "--access-logformat", '%(p)s "%(r)s" %(s)s',
                       "bot.wsgi:app"], env)
        for port, log in zip(ports, logs)]
    try:
        wait_for_http(sandbox + "/sandbox/state", processes[0])
        for web, process in zip(webs, processes[1:]):
            wait_for_http(web + "/healthz", process)
        settings = load_settings(config, environ=env)
        yield webs, settings, make_session_factory(make_engine(settings.database_url)), logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=20)


def _code(settings, session_factory, account_name: str, name: str) -> str:
    with transaction(session_factory) as session:
        return invite(session, account_by_name(session, account_name), name, "reviewer", clock=SystemClock(),
                      actor=CLI, key=invite_key(settings)).code


def _nothing_bound_and(session_factory):
    with session_factory() as session:
        return (session.scalar(select(func.count()).select_from(InboundMessage)),
                session.scalar(select(func.count()).where(Staff.openid.is_not(None))),
                session.scalar(select(func.count()).where(InviteCode.used_at.is_not(None))))


def _at_once(count: int, send) -> list[int]:
    statuses, barrier = [], threading.Barrier(count)

    def run(index: int):
        barrier.wait()
        statuses.append(send(index))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


def test_a_replayed_query_and_a_forged_plain_body_are_refused_by_every_worker(county):
    (seen, other), settings, session_factory, (seen_log, other_log) = county
    safe, plain = settings.accounts
    assert (safe.message_mode, plain.message_mode) == ("safe", "plain")
    code_safe = _code(settings, session_factory, "default", "周审核")
    code_plain = _code(settings, session_factory, "town2", "吴审核")

    # One genuine message to the plain-mode account; its query is what a log would show.
    ts, nonce = int(time.time()), "seen-in-a-log"
    genuine = wechat_post(seen + "/wechat/town2", build_text_message("gh_town2", "oCitizen01", "你好", msg_id=1),
                          plain, timestamp=ts, nonce=nonce, timeout=10)
    assert genuine.status_code == 200
    before = _nothing_bound_and(session_factory)

    def replay(index: int) -> int:
        forged = build_text_message("gh_town2", ATTACKER, f"绑定 {code_plain}", msg_id=100 + index)
        return wechat_post(other + "/wechat/town2", forged, plain, timestamp=ts, nonce=nonce, timeout=10).status_code

    def forge_plain(index: int) -> int:
        forged = build_text_message("gh_township", ATTACKER, f"绑定 {code_safe}", msg_id=200 + index)
        claims = [{}, {"encrypt_type": "AES"}, {"encrypt_type": "raw"}, {"encrypt_type": "aes"}][index % 4]
        t, n = str(int(time.time())), f"forged{index}"
        params = {"signature": sign(safe.token, t, n), "timestamp": t, "nonce": n, **claims}
        web = (seen, other)[index % SERVERS]
        return requests.post(web + "/wechat", params=params, data=forged.encode(), timeout=10).status_code

    assert _at_once(2 * WORKERS, replay) == [403] * (2 * WORKERS)
    assert _at_once(2 * WORKERS, forge_plain) == [403] * (2 * WORKERS)
    assert _nothing_bound_and(session_factory) == before

    # WeChat's own encrypted message still works on the safe account, from any worker.
    bound = wechat_post(other + "/wechat", build_text_message("gh_township", "oReviewer01", f"绑定 {code_safe}",
                                                            msg_id=300), safe, mode="safe", timeout=10)
    assert bound.status_code == 200 and "绑定成功" in decrypt_reply(bound, safe)

    logs = {log: log.read_text(encoding="utf-8").splitlines() for log in (seen_log, other_log)}
    refused = {log: [line for line in lines if "/wechat" in line and line.endswith(" 403")]
               for log, lines in logs.items()}
    # Every replay was refused by the server that had not seen the query: the cache is shared.
    assert len([line for line in refused[other_log] if "/wechat/town2" in line]) == 2 * WORKERS
    assert sum(len(lines) for lines in refused.values()) == 4 * WORKERS
    lines = logs[seen_log] + logs[other_log]
    assert not any(re.search(r"(signature|nonce|timestamp|openid)=(?!\*\*\*)", line) for line in lines)
    assert not any(nonce in line or str(ts) in line for line in lines)
