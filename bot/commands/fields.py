"""改标题, 改摘要: one field of a post, through `publisher.services.post_fields`."""
from __future__ import annotations

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher.services.drafting import ChatError
from publisher.services.post_fields import FIELDS, change_field
from publisher.texts import chat as texts


def _change(ctx: CommandContext, args: str, *, word: str, usage: str, field: str) -> str:
    post, value = post_arg(ctx, word, args)
    if not value.strip():
        raise ChatError(texts.USAGE.format(usage=usage))
    change_field(ctx.session, staff=ctx.staff, post=post, field=field, value=value, actor=ctx.actor,
                 clock=ctx.runtime.clock)
    return texts.FIELD_CHANGED.format(post_id=post.id, field=FIELDS[field].name, value=value.strip())


TITLE_USAGE = "改标题 <号> <新标题>"
DIGEST_USAGE = "改摘要 <号> <新摘要>"


@command("改标题", role="editor", usage=TITLE_USAGE)
def change_title(ctx: CommandContext, args: str) -> str:
    """改稿件的标题（按微信的长度限制检查）"""
    return _change(ctx, args, word="改标题", usage=TITLE_USAGE, field="title")


@command("改摘要", role="editor", usage=DIGEST_USAGE)
def change_digest(ctx: CommandContext, args: str) -> str:
    """改稿件的摘要，即分享卡片上的一句话（按微信的长度限制检查）"""
    return _change(ctx, args, word="改摘要", usage=DIGEST_USAGE, field="digest")
