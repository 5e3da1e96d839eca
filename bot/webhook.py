"""The WeChat webhook (`/wechat`, `/wechat/<account>`): verify, open (the account's message
mode), size-limit, parse, refuse replays, then hand the message to the dispatcher and reply.
No business rule lives here.

Message modes (`message_mode` of each account; `publisher.wechat.open_message`):
- plain (明文): the signed query and the body as it is; an encrypted message is decrypted.
- compatible (兼容): WeChat sends every message with the plain fields *and* an `Encrypt`
  element signed by `msg_signature` (its documentation: 兼容模式 "同时包括明文和密文"). The
  decrypted part is the one acted on; a request without it, whatever `encrypt_type` says, is
  not one WeChat sends in this mode and is refused.
- safe (安全): only a body of `ToUserName` and `Encrypt` with a valid `msg_signature`.
A reply is encrypted whenever the message came encrypted.

Refusals (nothing is stored, nothing changes):
- an account with no Token, in any mode and for GET verification too → 403: its signature
  would be sha1 of the timestamp and nonce alone;
- missing or forged `signature`, or a timestamp outside `webhook.timestamp_window` → 403;
- in compatible and safe mode, a body that does not authenticate and decrypt for this
  account (no `Encrypt`, bad `msg_signature`, bad ciphertext or padding, another AppId
  inside; in safe mode any plain field beside `ToUserName`) → 403: it is not for us;
- a (timestamp, nonce, signature) already accepted with another message → 403. The same
  message again (WeChat's retry: same MsgId, or sender + CreateTime for events) passes and
  gets the first answer. The query is remembered for twice the timestamp window, or a day
  when the window is 0 (switched off): a replay after that is stopped only by the window;
- a body over `webhook.max_body_bytes` → 413;
- malformed XML, XML with a DTD or entities, or a shape WeChat never sends (a field
  missing, repeated, nested, not a number, longer than its column) → 400.
"""
from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Response, abort, current_app, request

from bot.commands import dispatch
from publisher.wechat import (
    InvalidMessage,
    encrypt_reply,
    open_message,
    parse_message,
    replay_cache_for,
    replay_retention,
    text_reply,
    verify_signature,
)
from publisher.wechat.replay import ReplayedQuery, replay_key

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
    if not account.token:
        abort(403)
    args = request.args
    timestamp, nonce, signature = args.get("timestamp", ""), args.get("nonce", ""), args.get("signature", "")
    if not verify_signature(account.token, signature, timestamp, nonce):
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

    try:
        opened = open_message(account, args, body)
    except InvalidMessage as refused:
        log.warning("webhook %s: %s message refused: %s", account.name, account.message_mode, refused)
        abort(403)
    try:
        message = parse_message(opened.xml)
    except InvalidMessage as refused:
        log.warning("webhook %s: message refused: %s", account.name, refused)
        abort(400)
    replay = dispatch.ReplayCheck(_replays(), replay_key(account.name, timestamp, nonce, signature),
                                  replay_retention(window))
    try:
        reply = dispatch.handle_message(runtime, account.name, message, opened.xml.decode("utf-8"), replay)
    except ReplayedQuery:
        log.warning("webhook %s: a query already used for another message, refused", account.name)
        abort(403)
    if not reply:
        return Response("success", mimetype="text/plain")
    created = int(runtime.clock.now().timestamp())
    xml = text_reply(message.from_openid, message.to_user, reply, create_time=created)
    if opened.encrypted:
        xml = encrypt_reply(account, xml, secrets.token_hex(8), created)
    return Response(xml, mimetype="application/xml")


def _replays():
    """One replay cache per app (a Redis client is not made per request)."""
    extensions = current_app.extensions
    if "govpost.replays" not in extensions:
        runtime = extensions["govpost"]
        extensions["govpost.replays"] = replay_cache_for(runtime.settings, runtime.session_factory)
    return extensions["govpost.replays"]
