"""The chat's background work: everything that needs the WeChat API, run after the webhook
has answered (publisher/background/tasks.py). Each handler can run again after a crash: it looks at what
is already recorded before calling WeChat."""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from publisher.background.tasks import MAX_ATTEMPTS, RetryLater, TaskContext, enqueue
from publisher.models import Post, PostBlock, PostImage, Staff, Task
from publisher.models.chat import DraftSession
from publisher.publishing import article
from publisher.services import dialogue, drafting
from publisher.services.audit import SYSTEM, record
from publisher.services.notify import notify_staff, queue_text
from publisher.texts import chat as texts
from publisher.wechat import TransientError, WeChatError

log = logging.getLogger(__name__)


def fetch_image(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Keep a picture a member sent: WeChat's temporary media lives three days."""
    image = ctx.session.get(PostImage, payload["image_id"])
    if image is None or image.saved or not image.source_media_id:
        return
    try:
        media = ctx.gateway.download_media(image.source_media_id)
    except TransientError:
        if not _last_attempt(ctx, f"fetch_image:{image.id}"):
            raise
        log.error("post %s: image %s not fetched: WeChat unreachable, giving up", image.post_id, image.id)
        _give_up_image(ctx, image)
        return
    except WeChatError as exc:
        log.error("post %s: image %s not fetched: %s", image.post_id, image.id, exc)
        _give_up_image(ctx, image)
        return
    image.data = media.data
    image.content_type = media.content_type
    image.sha256 = hashlib.sha256(media.data).hexdigest()
    image.fetched_at = ctx.now


def send_preview(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Build the real article as a WeChat draft, preview it to the member's phone, drop the draft."""
    post = ctx.session.get(Post, payload["post_id"])
    openid = payload["openid"]
    images = {i.id: i for i in drafting.images_of(ctx.session, post.id)}
    states = [drafting.image_state(i) for i in images.values()]
    if any(s.failed for s in states):
        _tell(ctx, openid, texts.PREVIEW_FAILED.format(post_id=post.id, reason=texts.PREVIEW_IMAGES_MISSING))
        return
    if not all(s.saved for s in states):
        if _last_attempt(ctx, payload.get("dedup_key")):
            _tell(ctx, openid, texts.PREVIEW_FAILED.format(post_id=post.id, reason=texts.PREVIEW_IMAGES_PENDING))
            return
        raise RetryLater(f"post {post.id}: pictures still being fetched")
    gateway = ctx.gateway
    try:
        if not any(i.is_cover for i in images.values()):
            drafting.ensure_cover(ctx.session, post, ctx.runtime.settings, ctx.now)
        # The very uploads and article the publish makes (and reuses, once recorded here).
        for pending in article.pending_uploads(ctx.session, [post.id]):
            article.record(ctx.session, pending, article.upload(gateway, pending))
            ctx.session.flush()
        media_id = gateway.add_draft([article.draft_article(ctx.session, post, ctx.runtime.settings)])
        try:
            gateway.preview(media_id, openid)
        finally:
            _drop_draft(gateway, media_id, post.id)
    except TransientError:
        if not _last_attempt(ctx, payload.get("dedup_key")):
            raise
        log.error("post %s: preview failed: WeChat unreachable, giving up", post.id)
        _tell(ctx, openid, texts.PREVIEW_FAILED.format(post_id=post.id, reason=texts.PREVIEW_WECHAT_UNREACHABLE))
        return
    except WeChatError as exc:
        log.error("post %s: preview failed: errcode %s %s", post.id, exc.errcode, exc.errmsg)
        _tell(ctx, openid, texts.PREVIEW_FAILED.format(post_id=post.id, reason=str(exc)))
        return
    record(ctx.session, account_id=post.account_id, actor=SYSTEM, action="preview.sent", post_id=post.id,
           at=ctx.now, detail={"openid": openid})


def close_idle_draft(ctx: TaskContext, payload: dict[str, Any]) -> None:
    """Save and close a draft dialogue nobody has written to for `drafts.idle_minutes`; while it
    is still active, check again when it would next become idle."""
    current = ctx.session.get(DraftSession, payload["draft_session_id"])
    if current is None:
        return
    settings = ctx.runtime.settings
    idle = timedelta(minutes=settings.draft_idle_minutes)
    if current.last_message_at + idle > ctx.now:
        enqueue(ctx.session, account_id=current.account_id, kind="close_idle_draft", payload=payload,
                run_after=current.last_message_at + idle)
        return
    notice = dialogue.close_if_idle(ctx.session, current=current, idle_minutes=settings.draft_idle_minutes,
                                    actor=SYSTEM, clock=_FixedNow(ctx.now), settings=settings)
    if notice is not None:
        member = ctx.session.get(Staff, current.staff_id)
        notify_staff(ctx.session, account_id=member.account_id, staff_ids=[member.id], now=ctx.now, text=notice)


class _FixedNow:
    def __init__(self, now):
        self._now = now

    def now(self):
        return self._now


def _last_attempt(ctx: TaskContext, dedup_key: str | None) -> bool:
    """Whether the task queued under `dedup_key` will not be retried if this run fails: the
    runner then drops it, and whoever waits for its result must be told now."""
    if dedup_key is None:
        return False
    attempts = ctx.session.scalar(select(Task.attempts).where(Task.dedup_key == dedup_key))
    return attempts is not None and attempts + 1 >= MAX_ATTEMPTS


def _give_up_image(ctx: TaskContext, image: PostImage) -> None:
    image.fetched_at = ctx.now  # fetched_at without data marks the fetch as given up
    post = ctx.session.get(Post, image.post_id)
    notify_staff(ctx.session, account_id=post.account_id, staff_ids=[post.author_id] if post.author_id else [],
                 text=texts.IMAGE_FETCH_FAILED.format(post_id=post.id, number=_image_number(ctx, image)), now=ctx.now)


def _image_number(ctx: TaskContext, image: PostImage) -> int:
    # The picture's paragraph number, text and pictures counted together as 删段 counts them.
    ids = list(ctx.session.scalars(
        select(PostBlock.image_id).where(PostBlock.post_id == image.post_id).order_by(PostBlock.position)
    ))
    return ids.index(image.id) + 1 if image.id in ids else len(ids) + 1


def _drop_draft(gateway, media_id: str, post_id: int) -> None:
    try:
        gateway.delete_draft(media_id)
    except WeChatError as exc:  # a leftover preview draft is harmless; the preview matters
        log.warning("post %s: preview draft %s not deleted: %s", post_id, media_id, exc)


def _tell(ctx: TaskContext, openid: str, text: str) -> None:
    queue_text(ctx.session, account_id=ctx.account.id, openid=openid, text=text, now=ctx.now)
