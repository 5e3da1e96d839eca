"""模拟聊天 (sandbox mode only): talk to this govpost's webhook as a staff member or a citizen,
through `bot.sandbox_chat`, which `govpost say` uses too, and see the bot's replies and the
customer-service messages the sandbox received for that openid."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console import web
from bot.console.web import db, runtime
from bot.sandbox_chat import ChatFailed, customer_messages, openid_for, say, upload_picture
from publisher.models import InboundMessage, Staff
from publisher.texts import console as texts

CITIZEN_OPENID = "oCitizenSandbox0000000000000"  # 28 characters, like a real openid
HISTORY = 60

# Its own blueprint, registered only in sandbox mode, behind the console's login guard.
chat_blueprint = Blueprint("console_chat", __name__)
chat_blueprint.before_request(web.guard)
chat_blueprint.teardown_request(web.close_db)
chat_blueprint.register_error_handler(web.CSRFError, web.csrf_refused)


def _identities() -> list[tuple[str, str]]:
    """(openid, label): every active member (their bound openid, or the one `say` would use to
    bind), then a citizen."""
    members = db().scalars(select(Staff).where(Staff.account_id == g.account.id, Staff.active.is_(True))
                           .order_by(Staff.id)).all()
    return [(m.openid or openid_for(m.name), m.name) for m in members] + [(CITIZEN_OPENID, texts.CHAT_CITIZEN)]


def _chosen(identities) -> tuple[str, str]:
    wanted = request.values.get("as", "")
    return next((i for i in identities if i[0] == wanted), identities[0])


def _log(openid: str) -> list[dict]:
    """The conversation, oldest first: what was sent and answered (from the database), and the
    customer-service messages the sandbox holds (results, reviewer notices, links)."""
    items = []
    rows = db().scalars(select(InboundMessage).where(
        InboundMessage.account_id == g.account.id, InboundMessage.from_openid == openid)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(HISTORY)).all()
    from publisher.services.citizen_messages import message_text

    for row in reversed(rows):
        items.append({"kind": "me", "text": message_text(row), "at": row.received_at})
        if row.reply:
            items.append({"kind": "bot", "text": row.reply, "at": row.received_at})
    try:
        notices = customer_messages(runtime().settings.wechat_api_base, openid)
    except ChatFailed:
        notices = []
    for message in notices:
        body = message.get("text", {}).get("content") if message.get("msgtype") == "text" else message.get("msgtype")
        items.append({"kind": "notice", "text": body or "", "at": datetime.fromtimestamp(message["at"], UTC)})
    return sorted(items, key=lambda item: item["at"])


@chat_blueprint.get("/chat")
def chat():
    identities = _identities()
    openid, label = _chosen(identities)
    template = "console/_chat_log.html" if request.args.get("part") == "log" else "console/chat.html"
    return render_template(template, identities=identities, openid=openid, label=label, log=_log(openid))


@chat_blueprint.post("/chat")
def chat_send():
    identities = _identities()
    openid, _ = _chosen(identities)
    rt = runtime()
    settings, account = rt.settings, g.account.settings
    base = settings.wechat_api_base
    text = request.form.get("text", "").strip()
    picture = request.files.get("picture")
    # Let go of the database before posting: the webhook, in this same process, needs it.
    db().close()
    try:
        if picture is not None and picture.filename:
            media_id = upload_picture(base, account, picture.filename, picture.read())
            reply = say(settings, account, openid, base=base, media_id=media_id)
        elif text:
            reply = say(settings, account, openid, base=base, text=text)
        else:
            reply = None
    except ChatFailed as failure:
        flash(texts.CHAT_FAILED.format(reason=failure), "error")
    else:
        if reply == "":
            flash(texts.CHAT_NO_REPLY, "info")
    return redirect(url_for("console_chat.chat", **{"as": openid}))
