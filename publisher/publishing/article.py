"""A post as a WeChat article: its uploads, its HTML and its DraftArticle, built one way for
the preview (chat_tasks.send_preview) and for the publish (pipeline.py), so that what a
member previews is what goes out.

Uploads are recorded on the post's images (thumb_media_id, body_url) and reused by
whichever comes next, the preview or the publish; each caller commits them as it sees fit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, defer

from publisher.core.content import Block, ReviewFooter, render_article
from publisher.models import Post, PostBlock, PostImage
from publisher.services import byline
from publisher.settings import AccountSettings, Settings
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
    """The flagged cover, else the post's first picture (without its bytes, which only an
    upload needs)."""
    return session.scalar(
        select(PostImage).where(PostImage.post_id == post_id).order_by(PostImage.is_cover.desc(), PostImage.id)
        .options(defer(PostImage.data))
    )


def pending_uploads(session: Session, post_ids: list[int]) -> list[Upload]:
    """What is not uploaded yet, post by post: the cover's thumb, and each picture the body
    shows. Two statements for the whole bundle: per post they were a third of a publish's
    statements."""
    images: dict[int, list] = {post_id: [] for post_id in post_ids}
    for image in session.execute(_IMAGES_TO_UPLOAD, {"post_ids": post_ids}):
        images[image.post_id].append(image)
    uploads = []
    for post_id in post_ids:
        first = min(images[post_id], key=lambda i: (not i.is_cover, i.id), default=None)
        if first is not None and first.thumb_media_id is None:
            uploads.append(Upload("thumb", post_id, first.id, first.data))
        uploads += [Upload("body", post_id, i.id, i.data) for i in images[post_id]
                    if i.in_body and i.body_url is None]
    return uploads


# The posts' pictures, each with whether its post's body shows it: one statement (the blocks
# were a query of their own).
_IMAGES_TO_UPLOAD = select(
    PostImage.id, PostImage.post_id, PostImage.is_cover, PostImage.thumb_media_id, PostImage.body_url, PostImage.data,
    select(PostBlock.id).where(PostBlock.post_id == PostImage.post_id, PostBlock.image_id == PostImage.id,
                               PostBlock.kind == "image").exists().label("in_body"),
).where(PostImage.post_id.in_(bindparam("post_ids", expanding=True))).order_by(PostImage.id)


def upload(gateway: Gateway, pending: Upload):
    """Send one picture to WeChat; the answer is for `record`."""
    if pending.kind == "thumb":
        return gateway.upload_thumb(pending.data, pending.filename)
    return gateway.upload_body_image(pending.data, pending.filename)


def record(session: Session, pending: Upload, uploaded) -> None:
    """Keep an upload's answer on its picture (one UPDATE; the row is not read first)."""
    if pending.kind == "thumb":
        values = {"thumb_media_id": uploaded.media_id, "thumb_url": uploaded.url}
    else:
        values = {"body_url": uploaded}
    session.execute(update(PostImage).where(PostImage.id == pending.image_id).values(**values))


def record_all(session: Session, uploaded: list[tuple[Upload, object]]) -> None:
    """`record` of many uploads in one executemany a kind (a bundle's pictures)."""
    table = PostImage.__table__
    thumbs = [{"image_id": p.image_id, "media_id": r.media_id, "url": r.url} for p, r in uploaded if p.kind == "thumb"]
    bodies = [{"image_id": p.image_id, "url": r} for p, r in uploaded if p.kind != "thumb"]
    if thumbs:
        session.execute(update(table).where(table.c.id == bindparam("image_id"))
                        .values(thumb_media_id=bindparam("media_id"), thumb_url=bindparam("url")), thumbs)
    if bodies:
        session.execute(update(table).where(table.c.id == bindparam("image_id"))
                        .values(body_url=bindparam("url")), bodies)


def content(session: Session, post_id: int, footer: ReviewFooter | None = None) -> str:
    """The article's HTML, its pictures at their uploaded URLs, ending with `footer`."""
    blocks = session.scalars(select(PostBlock).where(PostBlock.post_id == post_id).order_by(PostBlock.position))
    urls = dict(session.execute(
        select(PostImage.id, PostImage.body_url).where(PostImage.post_id == post_id)
    ).all())
    return render_article([Block(b.kind, b.text, b.image_id) for b in blocks], urls.get, footer)


def draft_article(session: Session, post: Post, settings: Settings) -> DraftArticle:
    """The article as draft/add takes it, once `pending_uploads` is empty: the account's
    author line (or the post's own) and the 三级审查 footer (publisher/services/byline.py)."""
    return _draft_articles(session, [post], settings)[0][0]


def publish_articles(session: Session, posts: list[Post], settings: Settings,
                     accounts: Mapping[int, AccountSettings | None] | None = None) -> list[DraftArticle]:
    """The bundle's articles for the publish, each post keeping the footer it goes out with
    (`published_footer`, which the quarterly inspection reads). `posts`: Post objects, or
    plain rows with their columns (`outcome.drafted_posts`). `accounts`: the posts' accounts'
    settings by id, when the caller knows them (a bundle's one account)."""
    built = _draft_articles(session, posts, settings, accounts)
    if posts:
        # Plain UPDATEs, not the ORM's: they must not bump the posts' version, or a 撤回 read
        # a moment before would fail on a change nobody made to what it withdraws.
        table = Post.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("post_id")).values(published_footer=bindparam("footer")),
            [{"post_id": post.id, "footer": footer.as_dict() if footer is not None else None}
             for post, (_, footer) in zip(posts, built)],
        )
    return [draft for draft, _ in built]


def _draft_articles(session: Session, posts: list[Post], settings: Settings,
                    accounts: Mapping[int, AccountSettings | None] | None = None,
                    ) -> list[tuple[DraftArticle, ReviewFooter | None]]:
    """The posts' articles and footers with one query each for their pictures, blocks,
    accounts and approvals, whatever the number of posts: per post those queries were most
    of a publish's statements."""
    post_ids = [post.id for post in posts]
    images: dict[int, list] = {post_id: [] for post_id in post_ids}
    for image in session.execute(
        select(PostImage.id, PostImage.post_id, PostImage.is_cover, PostImage.thumb_media_id, PostImage.body_url)
        .where(PostImage.post_id.in_(post_ids))
    ):
        images[image.post_id].append(image)
    blocks: dict[int, list[Block]] = {post_id: [] for post_id in post_ids}
    for block in session.execute(
        select(PostBlock.post_id, PostBlock.kind, PostBlock.text, PostBlock.image_id)
        .where(PostBlock.post_id.in_(post_ids)).order_by(PostBlock.post_id, PostBlock.position)
    ):
        blocks[block.post_id].append(Block(block.kind, block.text, block.image_id))
    if accounts is None or any(post.account_id not in accounts for post in posts):
        accounts = byline.accounts_settings(session, posts, settings)
    footers = byline.footers(session, posts, settings, accounts)
    built = []
    for post in posts:
        first = min(images[post.id], key=lambda i: (not i.is_cover, i.id), default=None)
        urls = {image.id: image.body_url for image in images[post.id]}
        footer = footers[post.id]
        built.append((DraftArticle(
            title=post.title,
            content=render_article(blocks[post.id], urls.get, footer),
            thumb_media_id=first.thumb_media_id if first is not None else "",
            author=byline.article_author(post, accounts[post.account_id]),
            digest=post.digest or "",
        ), footer))
    return built
