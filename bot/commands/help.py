from __future__ import annotations

from bot.commands.registry import CommandContext, command, commands_for
from publisher.texts import chat as texts
from publisher.texts import staff as staff_texts


@command("帮助", role="anyone", reads_only=True)
def show_help(ctx: CommandContext, args: str) -> str:
    """您可以使用的命令"""
    if ctx.staff is None:
        header = texts.HELP_ANONYMOUS
    else:
        header = texts.HELP_HEADER.format(name=ctx.staff.name, role=staff_texts.ROLE_NAMES.get(ctx.staff.role, ctx.staff.role))
    lines = [header, *(c.help_line for c in commands_for(ctx.commands, ctx.staff))]
    if ctx.staff is not None:
        lines.append(texts.HELP_FOOTER)
    return "\n".join(lines)
