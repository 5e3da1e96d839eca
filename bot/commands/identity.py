from __future__ import annotations

from bot.commands.registry import CommandContext, command
from publisher.services.staff import BindRefused, bind, invite_key
from publisher.texts import chat as texts
from publisher.texts import staff as staff_texts


@command("绑定", role="anyone", usage="绑定 <绑定码>")
def bind_openid(ctx: CommandContext, args: str) -> str:
    """用管理员给的绑定码绑定您的微信"""
    code = args.strip()
    if not code:
        return texts.USAGE.format(usage=texts.BIND_USAGE)
    try:
        member = bind(ctx.session, ctx.account, ctx.openid, code, clock=ctx.runtime.clock, actor=ctx.actor,
                      key=invite_key(ctx.runtime.settings))
    except BindRefused as refused:
        # Answered, not raised: the dispatcher rolls back refusals, and this failure must be kept.
        return str(refused)
    return staff_texts.BOUND.format(name=member.name, role=staff_texts.ROLE_NAMES.get(member.role, member.role))
