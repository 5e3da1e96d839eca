"""Looking at a post: 查看 in the chat, 预览 on the phone (sent in the background)."""
from __future__ import annotations

from bot.commands.common import post_arg, post_id_of
from bot.commands.registry import CommandContext, command
from publisher.background.tasks import enqueue
from publisher.core.checks import describe
from publisher.core.timeparse import format_beijing
from publisher.lifecycle import status_name
from publisher.services import browse, drafting
from publisher.services.audit import record
from publisher.texts import chat as texts
from publisher.texts import article as article_texts
from publisher.texts import lifecycle as status_texts
from stats import reach

HISTORY_LINES = 10


@command("查看", role="staff", usage="查看 <号>", reads_only=True)
def view(ctx: CommandContext, args: str) -> str:
    """稿件的标题、话题、状态、时间、检查结果和经过"""
    post_id, _ = post_id_of("查看", args)
    post, topic = drafting.get_post_and_topic(ctx.session, ctx.account.id, post_id)
    settings = ctx.runtime.settings
    tz = settings.timezone
    # The post is this account's (get_post_and_topic checked), so the message's account
    # settings are the post's: no second read of the account row.
    view = browse.post_view(ctx.session, post, settings=settings, history_lines=HISTORY_LINES,
                            topic=topic, account=ctx.account.settings)
    lines = [
        texts.VIEW_TITLE.format(post_id=view.post_id, title=view.title),
        texts.VIEW_AUTHOR.format(author=view.author or "—"),
        article_texts.VIEW_BYLINE.format(byline=view.byline) if view.byline else article_texts.VIEW_BYLINE_NONE,
        texts.VIEW_TOPIC.format(topic=view.topic or texts.VIEW_NO_TOPIC),
        texts.VIEW_STATUS.format(status=status_name(view.status)),
    ]
    if view.scheduled_at:
        lines.append(texts.VIEW_TIME.format(when=format_beijing(view.scheduled_at, tz)))
    if view.published_at:
        lines.append(texts.VIEW_PUBLISHED.format(when=format_beijing(view.published_at, tz)))
    if view.article_url:
        lines.append(texts.VIEW_URL.format(url=view.article_url))
    lines += reach.describe_article(reach.post_reach(ctx.session, post))
    if view.approvers:
        lines.append(texts.VIEW_APPROVALS.format(count=len(view.approvers), levels=settings.review_levels,
                                                 names="、".join(view.approvers)))

    lines.append(texts.VIEW_BODY)
    for number, block in enumerate(view.blocks, start=1):
        if block.kind == "text":
            text = block.text
            lines.append(texts.VIEW_TEXT_BLOCK.format(number=number, text=text if len(text) <= 60 else text[:59] + "…"))
        else:
            lines.append(texts.VIEW_IMAGE_BLOCK.format(
                number=number, cover=texts.VIEW_IMAGE_COVER if block.is_cover else "",
                pending=texts.VIEW_IMAGE_PENDING if block.pending else ""))
    if view.footer:
        lines.append(article_texts.VIEW_FOOTER.format(footer=view.footer))

    findings = view.findings
    lines.append(texts.VIEW_FINDINGS + "\n" + describe(findings) if findings else texts.VIEW_NO_FINDINGS)

    lines.append(texts.VIEW_HISTORY)
    if view.earlier:
        lines.append(texts.VIEW_HISTORY_EARLIER.format(count=view.earlier))
    for line in view.history:
        lines.append(texts.VIEW_HISTORY_LINE.format(
            when=line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), who=line.who or texts.SYSTEM_NAME,
            what=_action_name(line.action), detail=_detail(line)))
    return "\n".join(lines)


def _detail(line) -> str:
    if line.reason:
        return texts.VIEW_HISTORY_REASON.format(reason=line.reason)
    if line.level:
        return texts.VIEW_HISTORY_LEVEL.format(level=line.level[0], levels=line.level[1])
    return ""


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
