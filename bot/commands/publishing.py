"""队列, 定时, 撤回, 删除: thin handlers over `publisher.publishing.actions`; and the webhook's
PUBLISHJOBFINISH / MASSSENDJOBFINISH events, handed to `publisher.publishing.events`."""
from __future__ import annotations

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher.core.timeparse import format_beijing, parse_time
from publisher.models import REVIEWER_ROLES, Post
from publisher.publishing import actions
from publisher.publishing.events import handle_mass_send_finished, handle_publish_job_finished
from publisher.publishing.queue import queue_overview
from publisher.texts import publishing as texts


def _author_or_reviewer(ctx: CommandContext, post: Post) -> bool:
    return post.author_id == ctx.staff.id or ctx.staff.role in REVIEWER_ROLES


@command("队列", role="staff", usage="队列", reads_only=True)
def show_queue(ctx: CommandContext, args: str) -> str:
    """接下来按时段发布的文章"""
    settings = ctx.runtime.settings
    overview = queue_overview(ctx.session, ctx.account, settings, ctx.now)
    lines = [texts.QUEUE_IN_PROGRESS.format(count=count, bundle_id=bundle_id) for bundle_id, count in overview.in_progress]
    for slot in overview.slots:
        lines.append(texts.QUEUE_SLOT.format(when=format_beijing(slot.at, settings.timezone), count=len(slot.entries)))
        for entry in slot.entries:
            note = texts.QUEUE_BLOCKED_NOTE if entry.blocked else texts.QUEUE_ROLLED_NOTE if entry.rolled else ""
            lines.append(texts.QUEUE_ITEM.format(post_id=entry.post_id, title=entry.title, note=note))
    if not lines:
        return texts.QUEUE_EMPTY
    return "\n".join([texts.QUEUE_HEADER.format(mode=texts.MODE_NAMES[overview.mode]), *lines])


@command("定时", role="editor", usage="定时 <号> <时间>")
def set_time(ctx: CommandContext, args: str) -> str:
    """设定发布时间（发布失败的文章也用它重新排队）"""
    post, rest = post_arg(ctx, "定时", args)
    if not rest:
        return texts.SCHEDULE_USAGE
    if not _author_or_reviewer(ctx, post):
        return texts.NOT_YOURS
    tz = ctx.runtime.settings.timezone
    at = parse_time(rest, ctx.now, tz)
    return actions.schedule(ctx.session, post, at, actor=ctx.actor, clock=ctx.runtime.clock, timezone=tz)


@command("撤回", role="editor", usage="撤回 <号>")
def withdraw(ctx: CommandContext, args: str) -> str:
    """发布前把稿件从审核或队列中撤回，回到草稿，可再修改、定时、提交"""
    post, _ = post_arg(ctx, "撤回", args)
    if not _author_or_reviewer(ctx, post):
        return texts.NOT_YOURS
    return actions.withdraw(ctx.session, post, actor=ctx.actor, clock=ctx.runtime.clock)


@command("删除", role="admin", usage="删除 <号>")
def delete(ctx: CommandContext, args: str) -> str:
    """从公众号删除已发布的文章（台账保留记录）"""
    post, _ = post_arg(ctx, "删除", args)
    return actions.request_delete(ctx.session, post, actor=ctx.actor, clock=ctx.runtime.clock)


def publish_job_finished(session, runtime, account, message) -> None:
    if message.publish_job is not None:
        handle_publish_job_finished(session, account, message.publish_job, clock=runtime.clock,
                                    timezone=runtime.settings.timezone)


def mass_send_finished(session, runtime, account, message) -> None:
    if message.mass_send is not None:
        handle_mass_send_finished(session, account, message.mass_send, clock=runtime.clock,
                                  timezone=runtime.settings.timezone)
