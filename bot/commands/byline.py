"""改作者: a post's author line on WeChat (publisher/services/byline.py)."""
from __future__ import annotations

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher.services import byline
from publisher.texts import article as texts


@command("改作者", role="editor", usage=texts.BYLINE_USAGE)
def set_byline(ctx: CommandContext, args: str) -> str:
    """改文章在微信上显示的作者（默认是本号的名称）"""
    post, wanted = post_arg(ctx, "改作者", args)
    shown = byline.set_byline(ctx.session, staff=ctx.staff, post=post, byline=wanted, actor=ctx.actor,
                              clock=ctx.runtime.clock, settings=ctx.runtime.settings)
    if post.byline:
        return texts.BYLINE_SET.format(post_id=post.id, byline=shown)
    if shown:
        return texts.BYLINE_RESET.format(post_id=post.id, byline=shown)
    return texts.BYLINE_RESET_EMPTY.format(post_id=post.id)
