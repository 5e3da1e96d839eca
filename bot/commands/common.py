"""Small helpers the command modules share: argument parsing and a post's one-line name."""
from __future__ import annotations

import re

from bot.commands.registry import CommandContext
from publisher.models import Post
from publisher.services import drafting
from publisher.services.drafting import ChatError
from publisher.texts import chat as texts

_POST_ID = re.compile(r"^[#＃]?(\d{1,9})号?$")


def post_id_of(word: str, args: str) -> tuple[int, str]:
    """The post number at the start of `args`, and the rest."""
    first, _, rest = args.strip().partition(" ")
    match = _POST_ID.match(first)
    if not match:
        raise ChatError(texts.POST_ID_NEEDED.format(word=word))
    return int(match.group(1)), rest.strip()


def post_arg(ctx: CommandContext, word: str, args: str) -> tuple[Post, str]:
    post_id, rest = post_id_of(word, args)
    return drafting.get_post(ctx.session, ctx.account.id, post_id), rest
