"""A second baseline: bare Flask that also keeps a citizen's message exactly once, as any
webhook must that may lose nothing and do nothing twice. It is the floor of such a webhook
in Python on this machine and this server, beside `bare_flask` (which keeps nothing).

Per request, what govpost's citizen path does and nothing more: the signature, the body read
and parsed (ElementTree), then one SQLite write transaction (WAL, synchronous=NORMAL, as
`publisher/db.py` sets them) of two INSERTs, the query's replay key and the message keyed by
its MsgId, both ignoring duplicates; its writers queued the way govpost's are (a lock for
the threads, an flock beside the database for the two workers); then the reply as XML. The
driver's own calls (the sqlite3 module), no ORM, no SQLAlchemy, no per-account settings.

    BENCH_TOKEN=… BENCH_DATABASE=/tmp/x.db gunicorn -c bot/gunicorn.conf.py bench.bare_store:app
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import threading
import time
import xml.etree.ElementTree as ElementTree

from flask import Flask, Response, abort, request

TOKEN = os.environ.get("BENCH_TOKEN", "govpostsandbox")
DATABASE = os.environ.get("BENCH_DATABASE", "/tmp/govpost-bare-store.db")
REPLY = ("<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{me}]]></FromUserName>"
         "<CreateTime>{at}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
         "<Content><![CDATA[您好，留言已收到。]]></Content></xml>")

app = Flask(__name__)
_local = threading.local()
_threads = threading.Lock()


def _database() -> sqlite3.Connection:
    if getattr(_local, "pid", None) != os.getpid():
        connection = sqlite3.connect(DATABASE, isolation_level=None, timeout=30, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS replays (key TEXT PRIMARY KEY, msg TEXT, expires REAL)")
        connection.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, msg TEXT UNIQUE, "
                           "sender TEXT, raw TEXT, received REAL)")
        _local.connection, _local.pid = connection, os.getpid()
        _local.lock_file = open(DATABASE + "-writer.lock", "a+b")
    return _local.connection


def _sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@app.post("/wechat")
def wechat() -> Response:
    args = request.args
    timestamp, nonce, signature = args.get("timestamp", ""), args.get("nonce", ""), args.get("signature", "")
    if signature != _sign(TOKEN, timestamp, nonce):
        abort(403)
    body = request.get_data()
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        abort(400)
    sender, me, msg_id = root.findtext("FromUserName"), root.findtext("ToUserName"), root.findtext("MsgId")
    if not sender or not msg_id:
        abort(400)
    database, now = _database(), time.time()
    with _threads:
        fcntl.flock(_local.lock_file.fileno(), fcntl.LOCK_EX)
        try:
            database.execute("BEGIN IMMEDIATE")
            try:
                fresh = database.execute("INSERT INTO replays VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                         (f"{timestamp}\n{nonce}\n{signature}", msg_id, now + 600)).rowcount
                if fresh:
                    database.execute("INSERT INTO messages (msg, sender, raw, received) VALUES (?, ?, ?, ?) "
                                     "ON CONFLICT DO NOTHING", (msg_id, sender, body.decode(), now))
                database.execute("COMMIT")
            except BaseException:
                database.execute("ROLLBACK")
                raise
        finally:
            fcntl.flock(_local.lock_file.fileno(), fcntl.LOCK_UN)
    if not fresh:
        abort(403)
    return Response(REPLY.format(to=sender, me=me, at=int(now)), mimetype="application/xml")
