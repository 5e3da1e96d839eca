"""Every chat command and platform event the dispatcher routes, in one place.

A command declares its word, role and usage with `@command` where it is written; it is
routed only once it is listed here. The order is the order of 帮助.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from bot.commands import byline, drafting, help, identity, ledger, posts, publishing, review
from bot.commands.registry import table
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext
from publisher.wechat import InboundMessage as Message

COMMANDS = table(
    help.show_help,
    identity.bind_openid,
    drafting.open_draft,
    drafting.finish,
    drafting.discard,
    drafting.my_drafts,
    drafting.reopen,
    drafting.replace_block,
    drafting.delete_block,
    drafting.set_topic,
    byline.set_byline,
    drafting.list_topics,
    posts.view,
    posts.preview,
    review.submit,
    review.approve,
    review.return_post,
    publishing.show_queue,
    publishing.set_time,
    publishing.withdraw,
    publishing.delete,
    ledger.statistics,
    ledger.register_offline,
)

# Platform events (PUBLISHJOBFINISH, MASSSENDJOBFINISH, …) by lower-case event name. A handler
# gets the session, runtime, account and message and replies nothing.
EventHandler = Callable[[Session, Runtime, AccountContext, Message], None]
EVENT_HANDLERS: dict[str, EventHandler] = {
    "publishjobfinish": publishing.publish_job_finished,
    "masssendjobfinish": publishing.mass_send_finished,
}
