"""Review in the chat: 提交 (with a wished time), 待审, 通过, 退回."""
from __future__ import annotations

from datetime import time

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher.core.checks import describe
from publisher.core.timeparse import format_beijing, parse_time
from publisher.publishing.queue import planned_time
from publisher.services import review
from publisher.texts import chat as texts


@command("提交", role="editor", usage="提交 <号> [时间]")
def submit(ctx: CommandContext, args: str) -> str:
    """送审，可以写上希望的发布时间（如「提交 12 明天上午9点」）"""
    post, when_text = post_arg(ctx, "提交", args)
    settings = ctx.runtime.settings
    when = None
    if when_text:
        slots = ctx.account.settings.slots
        default = slots[0] if slots else time(9, 0)
        when = parse_time(when_text, ctx.now, settings.timezone, default_time=default)
    result = review.submit(ctx.session, post=post, staff=ctx.staff, when=when, settings=settings, actor=ctx.actor,
                           clock=ctx.runtime.clock)
    when = result.post.scheduled_at
    when_part = texts.SUBMIT_WHEN.format(when=format_beijing(when, settings.timezone)) if when else ""
    if result.queued:
        goes_out = review.when_text(post, settings, planned_time(ctx.session, ctx.account, settings, ctx.now, post.id))
        lines = [texts.QUEUED_DIRECTLY.format(post_id=post.id, title=post.title, when=goes_out)]
    else:
        lines = [texts.SUBMITTED.format(post_id=post.id, title=post.title, when=when_part)]
        if result.told:
            lines.append(texts.SUBMIT_REVIEWERS_TOLD.format(names=texts.NAME_SEPARATOR.join(result.told)))
        if result.unreachable:
            lines.append(texts.REVIEWERS_UNREACHABLE.format(names=texts.NAME_SEPARATOR.join(result.unreachable)))
        if not result.told and not result.unreachable:
            lines.append(texts.SUBMIT_NO_REVIEWER)
    if result.findings:
        lines += [texts.FINDINGS_WARNINGS, describe(result.findings)]
    return "\n".join(lines)


@command("通过", role="reviewer", usage="通过 <号>")
def approve(ctx: CommandContext, args: str) -> str:
    """审核通过"""
    post, _ = post_arg(ctx, "通过", args)
    settings = ctx.runtime.settings
    result = review.approve(ctx.session, post=post, reviewer=ctx.staff, settings=settings, actor=ctx.actor,
                            clock=ctx.runtime.clock,
                            planner=lambda queued: planned_time(ctx.session, ctx.account, settings, ctx.now, queued.id))
    if result.final:
        lines = [texts.APPROVED_FINAL.format(post_id=post.id, title=post.title,
                                             when=review.when_text(post, settings, result.goes_out_at))]
    else:
        lines = [texts.APPROVED_PARTIAL.format(post_id=post.id, level=result.level, levels=result.levels,
                                               remaining=result.levels - result.level)]
    if result.next_unreachable:
        lines.append(texts.REVIEWERS_UNREACHABLE.format(names=texts.NAME_SEPARATOR.join(result.next_unreachable)))
    if result.author_unreachable:
        lines.append(texts.AUTHOR_UNREACHABLE.format(author=result.author_unreachable))
    return "\n".join(lines)


@command("退回", role="reviewer", usage="退回 <号> <原因>")
def return_post(ctx: CommandContext, args: str) -> str:
    """退回给作者修改，写明原因"""
    post, reason = post_arg(ctx, "退回", args)
    result = review.return_post(ctx.session, post=post, reviewer=ctx.staff, reason=reason, actor=ctx.actor,
                                clock=ctx.runtime.clock)
    lines = [texts.RETURNED.format(post_id=post.id, author=post.author_name or texts.AUTHOR_FALLBACK,
                                   reason=reason.strip())]
    if result.author_unreachable:
        lines.append(texts.AUTHOR_UNREACHABLE.format(author=result.author_unreachable))
    return "\n".join(lines)


@command("待审", role="reviewer", usage="待审")
def awaiting(ctx: CommandContext, args: str) -> str:
    """等待您审核的稿件，先提交的在前"""
    settings = ctx.runtime.settings
    waiting = review.awaiting(ctx.session, ctx.staff, settings)
    if not waiting:
        return texts.AWAITING_EMPTY
    tz = settings.timezone
    lines = [texts.AWAITING_HEADER.format(count=len(waiting))]
    for item in waiting:
        post = item.post
        lines.append(texts.AWAITING_LINE.format(
            post_id=post.id, title=post.title, author=post.author_name or texts.AUTHOR_FALLBACK,
            submitted=format_beijing(post.submitted_at, tz),
            when=format_beijing(post.scheduled_at, tz) if post.scheduled_at else texts.AWAITING_NO_TIME,
            level=item.level, levels=item.levels, findings=item.findings))
    lines.append(texts.AWAITING_FOOTER)
    return "\n".join(lines)
