"""Talking to the chat as WeChat does, through `handle_message` with the runtime's clock (a
`FixedClock` that moves only when told): staff bound by their real invite codes."""
from __future__ import annotations

import itertools
import re

from sqlalchemy import select

from bot.commands import dispatch
from publisher.db import transaction
from publisher.models import Staff
from publisher.sandbox import build_image_message, build_text_message
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.wechat import parse_message

_msg_ids = itertools.count(10_000)


def deliver(runtime, xml: str) -> str | None:
    return dispatch.handle_message(runtime, "default", parse_message(xml), xml)


def say(runtime, openid: str, text: str) -> str | None:
    return deliver(runtime, build_text_message("gh_township", openid, text, msg_id=next(_msg_ids),
                                               create_time=int(runtime.clock.now().timestamp())))


def send_picture(runtime, openid: str, media_id: str) -> str | None:
    return deliver(runtime, build_image_message("gh_township", openid, media_id, msg_id=next(_msg_ids),
                                                create_time=int(runtime.clock.now().timestamp())))


def bind(runtime, openid: str, name: str, role: str) -> None:
    with transaction(runtime.session_factory) as session:
        code = invite(session, account_by_name(session, "default"), name, role, clock=runtime.clock, actor=CLI,
                      key=invite_key(runtime.settings)).code
    assert "绑定成功" in say(runtime, openid, f"绑定 {code}")


def staff_id(runtime, openid: str) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(Staff.id).where(Staff.openid == openid))


def opened_post_id(reply: str) -> int:
    return int(re.search(r"已开始稿件 (\d+)", reply).group(1))


def submitted_post(runtime, *, editor: str, reviewer: str, title: str, paragraph: str) -> int:
    """张三 (`editor`) writes a one-paragraph post and submits it to 李书记 (`reviewer`), both
    bound here; the post's id."""
    bind(runtime, editor, "张三", "editor")
    bind(runtime, reviewer, "李书记", "reviewer")
    post_id = opened_post_id(say(runtime, editor, f"投稿 {title}"))
    say(runtime, editor, paragraph)
    say(runtime, editor, "完成")
    say(runtime, editor, f"提交 {post_id}")
    return post_id
