"""A post as a WeChat article: its uploads, its HTML and its DraftArticle, built one way for
the preview (chat_tasks.send_preview) and for the publish (pipeline.py), so that what a
member previews is what goes out.

Uploads are recorded on the post's images (thumb_media_id, body_url) and reused by
whichever comes next, the preview or the publish; each caller commits them as it sees fit.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.content import Block, render_article
from publisher.models import Post, PostBlock, PostImage
from publisher.wechat import DraftArticle, Gateway


@dataclass(frozen=True)
class Upload:
    """A picture of the post that WeChat does not hold yet: the cover as thumb material, a
    body picture as an article image."""

    kind: str  # "thumb" or "body"
    post_id: int
    image_id: int
    data: bytes

    @property
    def filename(self) -> str:
        return f"post{self.post_id}-{self.image_id}"


def cover(session: Session, post_id: int) -> PostImage | None:
    """The flagged cover, else the post's first picture."""
    return session.scalar(
        select(PostImage).where(PostImage.post_id == post_id).order_by(PostImage.is_cover.desc(), PostImage.id)
    )


def pending_uploads(session: Session, post_id: int) -> list[Upload]:
    """What is not uploaded yet: the cover's thumb, and each picture the body shows."""
    uploads = []
    first = cover(session, post_id)
    if first is not None and first.thumb_media_id is None:
        uploads.append(Upload("thumb", post_id, first.id, first.data))
    body_ids = select(PostBlock.image_id).where(
        PostBlock.post_id == post_id, PostBlock.kind == "image", PostBlock.image_id.is_not(None))
    for image in session.scalars(select(PostImage).where(PostImage.id.in_(body_ids)).order_by(PostImage.id)):
        if image.body_url is None:
            uploads.append(Upload("body", post_id, image.id, image.data))
    return uploads


def upload(gateway: Gateway, pending: Upload):
    """Send one picture to WeChat; the answer is for `record`."""
    if pending.kind == "thumb":
        return gateway.upload_thumb(pending.data, pending.filename)
    return gateway.upload_body_image(pending.data, pending.filename)


def record(session: Session, pending: Upload, uploaded) -> None:
    image = session.get(PostImage, pending.image_id)
    if pending.kind == "thumb":
        image.thumb_media_id, image.thumb_url = uploaded.media_id, uploaded.url
    else:
        image.body_url = uploaded


def content(session: Session, post_id: int) -> str:
    """The article's HTML, its pictures at their uploaded URLs."""
    blocks = session.scalars(select(PostBlock).where(PostBlock.post_id == post_id).order_by(PostBlock.position))
    urls = dict(session.execute(
        select(PostImage.id, PostImage.body_url).where(PostImage.post_id == post_id)
    ).all())
    return render_article([Block(b.kind, b.text, b.image_id) for b in blocks], urls.get)


def draft_article(session: Session, post: Post) -> DraftArticle:
    """The article as draft/add takes it, once `pending_uploads` is empty."""
    first = cover(session, post.id)
    return DraftArticle(
        title=post.title,
        content=content(session, post.id),
        thumb_media_id=first.thumb_media_id if first is not None else "",
        author=post.author_name or "",
        digest=post.digest or "",
    )
