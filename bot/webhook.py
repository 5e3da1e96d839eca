"""The WeChat webhook (`/wechat`, `/wechat/<account>`): verify, decrypt, size-limit, parse, then
hand the message to the dispatcher and reply. No business rule lives here.

Refusals (nothing is stored, nothing changes):
- missing or forged `signature`, or a timestamp outside `webhook.timestamp_window` → 403;
- in safe mode, a body that does not authenticate and decrypt for this account (bad
  `msg_signature`, bad ciphertext, another AppId inside) → 403: it is not a message for us;
- a body over `webhook.max_body_bytes` → 413;
- malformed XML, or XML with a DTD or entities → 400.
"""
from __future__ import annotations

import logging
import secrets
import time

from flask import Blueprint, Response, abort, current_app, request

from bot.commands import dispatch
from publisher.wechat import InvalidMessage, decrypt_message, encrypt_reply, parse_message, text_reply, verify_signature

import bot.commands  # noqa: F401  (registers the commands)

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)


@blueprint.route("/wechat", methods=["GET", "POST"], defaults={"account_name": None})
@blueprint.route("/wechat/<account_name>", methods=["GET", "POST"])
def wechat(account_name: str | None):
    runtime = current_app.extensions["govpost"]
    settings = runtime.settings
    account = settings.default_account if account_name is None else settings.account(account_name)
    if account is None:
        abort(404)
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    if not verify_signature(account.token, args.get("signature"), timestamp, nonce):
        abort(403)
    window = settings.webhook_timestamp_window
    if window and (not timestamp.isdigit() or abs(runtime.clock.now().timestamp() - int(timestamp)) > window):
        abort(403)
    if request.method == "GET":
        return Response(args.get("echostr", ""), mimetype="text/plain")

    limit = settings.webhook_max_body_bytes
    if (request.content_length or 0) > limit:
        abort(413)
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        abort(413)

    safe = args.get("encrypt_type") == "aes"
    if safe:
        try:
            body = decrypt_message(account, args.get("msg_signature"), timestamp, nonce, body).encode("utf-8")
        except InvalidMessage as refused:
            log.warning("webhook %s: safe-mode message refused: %s", account.name, refused)
            abort(403)
    try:
        message = parse_message(body)
    except InvalidMessage as refused:
        log.warning("webhook %s: message refused: %s", account.name, refused)
        abort(400)

    reply = dispatch.handle_message(runtime, account.name, message, body.decode("utf-8"))
    if not reply:
        return Response("success", mimetype="text/plain")
    xml = text_reply(message.from_openid, message.to_user, reply, create_time=int(time.time()))
    if safe:
        xml = encrypt_reply(account, xml, secrets.token_hex(8), int(time.time()))
    return Response(xml, mimetype="application/xml")
