"""The webhook benchmark's baseline: a Flask app that only checks WeChat's signature.

Plain mode: `signature` over token, timestamp and nonce; safe mode: `msg_signature` over the
`Encrypt` element too (it verifies, it does not decrypt). It answers "success" and keeps
nothing: the limit any webhook on this machine and this server can reach.

    BENCH_TOKEN=… gunicorn -c publisher/gunicorn.conf.py bench.bare_flask:app
"""
from __future__ import annotations

import hashlib
import os
import re

from flask import Flask, Response, abort, request

TOKEN = os.environ.get("BENCH_TOKEN", "govpostsandbox")
ENCRYPT = re.compile(rb"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", re.S)

app = Flask(__name__)


def _sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@app.post("/wechat")
def wechat() -> Response:
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    if args.get("signature") != _sign(TOKEN, timestamp, nonce):
        abort(403)
    body = request.get_data()
    if args.get("encrypt_type") == "aes":
        found = ENCRYPT.search(body)
        if not found or args.get("msg_signature") != _sign(TOKEN, timestamp, nonce, found.group(1).decode()):
            abort(403)
    return Response("success", mimetype="text/plain")
