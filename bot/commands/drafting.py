"""The draft dialogue: 投稿 … 完成 / 取消, and the edits around it."""
from __future__ import annotations

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher.services import drafting
from publisher.core.checks import describe
from publisher.services.drafting import ChatError
from publisher.lifecycle import status_name
from publisher.texts import chat as texts


@command("投稿", role="editor", usage="投稿 [#话题] <标题>")
def open_draft(ctx: CommandContext, args: str) -> str:
    """开始写一篇稿件，接着发文字和图片，最后发「完成」"""
    args = args.strip()
    topic = None
    if args[:1] in ("#", "＃"):
        topic, _, args = args[1:].partition(" ")
    post = drafting.open_draft(ctx.session, staff=ctx.staff, title=args, topic_name=topic, actor=ctx.actor,
                               clock=ctx.runtime.clock)
    suffix = texts.DRAFT_TOPIC_SUFFIX.format(topic=topic) if topic else texts.DRAFT_NO_TOPIC_SUFFIX.format(post_id=post.id)
    return texts.DRAFT_OPENED.format(post_id=post.id, title=post.title, topic=suffix)


@command("完成", role="editor")
def finish(ctx: CommandContext, args: str) -> str:
    """保存并关闭正在写的稿件，给出检查结果"""
    closed = drafting.finish(ctx.session, staff=ctx.staff, actor=ctx.actor, clock=ctx.runtime.clock,
                             settings=ctx.runtime.settings)
    post = closed.post
    lines = [texts.DRAFT_DONE.format(post_id=post.id, title=post.title, paragraphs=closed.paragraphs, images=closed.images)]
    blocking = [f for f in closed.findings if f.blocking]
    if blocking:
        lines.append(texts.FINDINGS_BLOCKING.format(count=len(blocking)))
        lines.append(describe(closed.findings))
    elif closed.findings:
        lines.append(texts.FINDINGS_WARNINGS)
        lines.append(describe(closed.findings))
    else:
        lines.append(texts.FINDINGS_NONE)
    lines.append((texts.DRAFT_NEXT_STEPS_BLOCKED if blocking else texts.DRAFT_NEXT_STEPS).format(post_id=post.id))
    return "\n".join(lines)


@command("取消", role="editor")
def cancel(ctx: CommandContext, args: str) -> str:
    """放弃正在写的新稿；「修改」之后发送则只放弃这次修改，稿件恢复原样"""
    cancelled = drafting.cancel(ctx.session, staff=ctx.staff, actor=ctx.actor, clock=ctx.runtime.clock)
    post = cancelled.post
    if cancelled.reverted:
        return texts.EDIT_REVERTED.format(post_id=post.id, title=post.title, status=status_name(post.status))
    return texts.DRAFT_DISCARDED.format(post_id=post.id, title=post.title)


@command("确认取消", role="editor", usage="确认取消 <号>")
def discard(ctx: CommandContext, args: str) -> str:
    """整篇放弃一篇未提交的稿件，包括退回过的（经过仍记在日志里）"""
    post, _ = post_arg(ctx, "确认取消", args)
    drafting.discard(ctx.session, staff=ctx.staff, post=post, actor=ctx.actor, clock=ctx.runtime.clock)
    return texts.DRAFT_DISCARDED.format(post_id=post.id, title=post.title)


@command("草稿", role="editor")
def my_drafts(ctx: CommandContext, args: str) -> str:
    """我的未提交稿件"""
    posts = drafting.my_drafts(ctx.session, ctx.staff)
    if not posts:
        return texts.MY_DRAFTS_EMPTY
    current = drafting.open_draft_of(ctx.session, ctx.staff.id)
    lines = [texts.MY_DRAFTS_HEADER]
    for post in posts:
        lines.append(texts.MY_DRAFTS_LINE.format(
            post_id=post.id, title=post.title, status=status_name(post.status),
            open=texts.MY_DRAFTS_OPEN if current and current.post_id == post.id else ""))
    return "\n".join(lines)


@command("修改", role="editor", usage="修改 <号>")
def reopen(ctx: CommandContext, args: str) -> str:
    """重新打开一篇草稿（含撤回的）或被退回的稿件继续修改"""
    post, _ = post_arg(ctx, "修改", args)
    drafting.reopen(ctx.session, staff=ctx.staff, post=post, actor=ctx.actor, clock=ctx.runtime.clock)
    return texts.DRAFT_REOPENED.format(post_id=post.id, title=post.title)


@command("改段", role="editor", usage="改段 <段号> <新文字>")
def replace_block(ctx: CommandContext, args: str) -> str:
    """改正在写的稿件的一段文字（图片也算一段，段号见「查看」）"""
    number, text = _number_and_rest(args, "改段 <段号> <新文字>")
    if not text:
        raise ChatError(texts.USAGE.format(usage="改段 <段号> <新文字>"))
    post = drafting.replace_block(ctx.session, staff=ctx.staff, number=number, text=text, actor=ctx.actor,
                                  clock=ctx.runtime.clock)
    return texts.BLOCK_REPLACED.format(post_id=post.id, number=number)


@command("删段", role="editor", usage="删段 <段号>")
def delete_block(ctx: CommandContext, args: str) -> str:
    """删掉正在写的稿件的一段（文字或图片）"""
    number, _ = _number_and_rest(args, "删段 <段号>")
    post, kind = drafting.delete_block(ctx.session, staff=ctx.staff, number=number, actor=ctx.actor,
                                       clock=ctx.runtime.clock)
    return texts.BLOCK_DELETED.format(post_id=post.id, number=number,
                                      kind=texts.BLOCK_KIND_IMAGE if kind == "image" else "")


@command("话题", role="editor", usage="话题 <号> <话题>")
def set_topic(ctx: CommandContext, args: str) -> str:
    """设置稿件的话题"""
    post, topic_name = post_arg(ctx, "话题", args)
    if not topic_name:
        raise ChatError(texts.USAGE.format(usage="话题 <号> <话题>"))
    topic = drafting.set_topic(ctx.session, staff=ctx.staff, post=post, topic_name=topic_name, actor=ctx.actor,
                               clock=ctx.runtime.clock, settings=ctx.runtime.settings)
    return texts.TOPIC_SET.format(post_id=post.id, topic=topic.name)


@command("话题列表", role="staff")
def list_topics(ctx: CommandContext, args: str) -> str:
    """可用的话题"""
    names = [t.name for t in drafting.topics(ctx.session, ctx.account.id)]
    return texts.TOPICS_HEADER + "、".join(names) if names else texts.TOPICS_EMPTY


def _number_and_rest(args: str, usage: str) -> tuple[int, str]:
    first, _, rest = args.strip().partition(" ")
    if not first.isdigit():
        raise ChatError(texts.USAGE.format(usage=usage))
    return int(first), rest.strip()
