"""Looking at a post: 查看 in the chat, 预览 on the phone (sent in the background)."""
from __future__ import annotations

from sqlalchemy import select

from bot.commands.common import post_arg
from bot.commands.registry import CommandContext, command
from publisher import drafting, review
from publisher.audit import record
from publisher.checks import describe
from publisher.models import AuditEntry, Staff, Topic
from publisher.tasks import enqueue
from publisher.texts import chat as texts
from publisher.texts import lifecycle as status_texts
from publisher.timeparse import format_beijing
from stats import reach

HISTORY_LINES = 10


@command("查看", role="staff", usage="查看 <号>")
def view(ctx: CommandContext, args: str) -> str:
    """稿件的标题、话题、状态、时间、检查结果和经过"""
    post, _ = post_arg(ctx, "查看", args)
    tz = ctx.runtime.settings.timezone
    topic = ctx.session.get(Topic, post.topic_id) if post.topic_id else None
    lines = [
        texts.VIEW_TITLE.format(post_id=post.id, title=post.title),
        texts.VIEW_AUTHOR.format(author=post.author_name or "—"),
        texts.VIEW_TOPIC.format(topic=topic.name if topic else texts.VIEW_NO_TOPIC),
        texts.VIEW_STATUS.format(status=status_texts.STATUS_NAMES.get(post.status, post.status)),
    ]
    if post.scheduled_at:
        lines.append(texts.VIEW_TIME.format(when=format_beijing(post.scheduled_at, tz)))
    if post.published_at:
        lines.append(texts.VIEW_PUBLISHED.format(when=format_beijing(post.published_at, tz)))
    if post.article_url:
        lines.append(texts.VIEW_URL.format(url=post.article_url))
    lines += reach.describe_article(reach.post_reach(ctx.session, post))
    approvals = review.approvals_of(ctx.session, post)
    if approvals:
        names = "、".join(ctx.session.get(Staff, a.reviewer_id).name for a in approvals)
        lines.append(texts.VIEW_APPROVALS.format(count=len(approvals), levels=ctx.runtime.settings.review_levels, names=names))

    lines.append(texts.VIEW_BODY)
    images = {i.id: i for i in drafting.images_of(ctx.session, post.id)}
    for number, block in enumerate(drafting.blocks_of(ctx.session, post.id), start=1):
        if block.kind == "text":
            text = block.text or ""
            lines.append(texts.VIEW_TEXT_BLOCK.format(number=number, text=text if len(text) <= 60 else text[:59] + "…"))
        else:
            image = images.get(block.image_id)
            state = drafting.image_state(image) if image else None
            lines.append(texts.VIEW_IMAGE_BLOCK.format(
                number=number, cover=texts.IMAGE_IS_COVER if image and image.is_cover else "",
                pending=texts.VIEW_IMAGE_PENDING if state and not state.saved else ""))

    findings = drafting.check_post(ctx.session, post, ctx.runtime.settings.config_dir)
    lines.append(texts.VIEW_FINDINGS + "\n" + describe(findings) if findings else texts.VIEW_NO_FINDINGS)

    lines.append(texts.VIEW_HISTORY)
    entries = list(ctx.session.scalars(
        select(AuditEntry).where(AuditEntry.post_id == post.id).order_by(AuditEntry.id.desc()).limit(HISTORY_LINES)))
    for entry in reversed(entries):
        who = ctx.session.get(Staff, entry.staff_id).name if entry.staff_id else texts.SYSTEM_NAME
        lines.append(texts.VIEW_HISTORY_LINE.format(
            when=entry.at.astimezone(tz).strftime("%m-%d %H:%M"), who=who, what=_action_name(entry.action),
            detail=f"：{entry.detail['reason']}" if isinstance(entry.detail, dict) and entry.detail.get("reason") else ""))
    return "\n".join(lines)


@command("预览", role="staff", usage="预览 <号>")
def preview(ctx: CommandContext, args: str) -> str:
    """把稿件以真实文章的样子发到您的手机上预览"""
    post, _ = post_arg(ctx, "预览", args)
    # Keyed by the message, so the task can tell when it is on its last try (see chat_tasks).
    key = f"send_preview:{ctx.inbound_message_id}" if ctx.inbound_message_id else None
    enqueue(ctx.session, account_id=ctx.account.id, kind="send_preview",
            payload={"post_id": post.id, "openid": ctx.openid, "dedup_key": key}, run_after=ctx.now, dedup_key=key)
    record(ctx.session, account_id=ctx.account.id, actor=ctx.actor, action="preview.request", post_id=post.id,
           at=ctx.now)
    return texts.PREVIEW_QUEUED.format(post_id=post.id)


def _action_name(action: str) -> str:
    if action in texts.HISTORY_ACTIONS:
        return texts.HISTORY_ACTIONS[action]
    if action.startswith("post."):
        return status_texts.EVENT_NAMES.get(action[5:], action)
    return action
