"""Template filters and globals: times in 北京时间, status and role names, the text catalogue."""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app, g
from markupsafe import Markup, escape

from bot.console import blueprint, trail_text
from bot.console.web import runtime
from publisher import lifecycle
from publisher.models import WECHAT_CHANNEL
from publisher.texts import console as console_texts
from publisher.texts import reach as reach_texts
from publisher.texts import staff as staff_texts


@blueprint.app_template_filter("local")
def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return moment.astimezone(runtime().settings.timezone).strftime(fmt)


@blueprint.app_template_filter("trail_detail")
def trail_detail(entry) -> str:
    """An audit entry's detail in words (escaped by the template like any text)."""
    return trail_text.describe(entry.action, entry.detail, runtime().settings.timezone)


_URL = re.compile(r"https?://[^\s<>\"'，。）]+")


@blueprint.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Web links in a notice (a published article's page) as links; everything else escaped."""
    parts, at = [], 0
    for match in _URL.finditer(text or ""):
        parts += [escape(text[at:match.start()]),
                  Markup('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>').format(match.group())]
        at = match.end()
    parts.append(escape((text or "")[at:]))
    return Markup("").join(parts)


blueprint.app_template_filter("status_name")(lifecycle.status_name)


@blueprint.app_template_filter("role_name")
def role_name(role: str) -> str:
    return staff_texts.ROLE_NAMES.get(role, role)


NAV = (
    ("console.dashboard", console_texts.NAV_DASHBOARD),
    ("console.posts", console_texts.NAV_POSTS),
    ("console.queue", console_texts.NAV_QUEUE),
    ("console.calendar", console_texts.NAV_CALENDAR),
    ("console.staff", console_texts.NAV_STAFF),
    ("console.ledger", console_texts.NAV_LEDGER),
    ("console.registers", console_texts.NAV_REGISTERS),
    ("console.report", console_texts.NAV_REPORT),
    ("console.messages", console_texts.NAV_MESSAGES),
    ("console.county", console_texts.NAV_COUNTY),  # county logins only
    ("console_chat.chat", console_texts.NAV_CHAT),  # registered in sandbox mode only
)


def nav_items() -> list[tuple[str, str]]:
    county_login = getattr(g, "user", None) is not None and g.user.account_id is None
    return [(endpoint, label) for endpoint, label in NAV if endpoint in current_app.view_functions
            and (endpoint != "console.county" or county_login)]


@blueprint.record_once
def _globals(state) -> None:
    # Globals rather than a context processor: imported macros see globals, not the context.
    state.app.jinja_env.globals.update(
        t=console_texts, nav_items=nav_items, post_ref=post_ref, wechat_channel=WECHAT_CHANNEL,
        nav_endpoints=lambda: current_app.view_functions, reach_t=reach_texts,
    )


def post_ref(post) -> str:
    return console_texts.POST_REF.format(post_id=post.id, title=post.title)
