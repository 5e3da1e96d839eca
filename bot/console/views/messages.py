"""群众留言: citizens' messages, newest first, answered as customer-service messages."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from bot.console import blueprint
from bot.console.web import db, owned, runtime
from publisher.errors import Refusal
from publisher.models import InboundMessage
from publisher.services import citizen_messages
from publisher.services.console_users import actor_of
from publisher.texts import console as texts

PAGE = 50


@blueprint.get("/messages")
def messages():
    page = max(1, request.args.get("page", 1, type=int))
    found = citizen_messages.list_messages(db(), g.account.id, limit=PAGE, offset=(page - 1) * PAGE)
    return render_template("console/messages.html", found=found, now=runtime().clock.now(), page=page,
                           more=len(found) == PAGE)


@blueprint.post("/messages/<int:message_id>/reply")
def message_reply(message_id: int):
    message = owned(InboundMessage, message_id)
    session, rt = db(), runtime()
    if not citizen_messages.is_citizen_message(session, message):
        return redirect(url_for("console.messages"))
    try:
        citizen_messages.reply(session, message, request.form.get("text", ""), by=g.user.username,
                               actor=actor_of(g.user), clock=rt.clock)
    except Refusal as refusal:
        session.rollback()
        flash(str(refusal), "error")
    else:
        session.commit()
        flash(texts.REPLY_SENT, "ok")
    return redirect(url_for("console.messages"))
