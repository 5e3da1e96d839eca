"""文章: the list with filters, a post as it will look, its findings, reviewers and trail;
approve and return through `publisher.services.review`, as 通过 and 退回 do in the chat."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, g, render_template, request, url_for
from sqlalchemy.orm import undefer

from bot.console import blueprint
from bot.console.web import act, db, owned, runtime
from publisher.core import content
from publisher.lifecycle import Status
from publisher.models import Post, PostImage, PublishBundle
from publisher.publishing.queue import planned_time
from publisher.services import browse, byline, drafting, review
from publisher.services.console_users import actor_of, linked_staff
from publisher.texts import console as texts
from stats import reach


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@blueprint.get("/posts")
def posts():
    session, account = db(), g.account
    status = request.args.get("status") or None
    wanted = browse.PostFilter(
        status=status if status in {s.value for s in Status} else None,
        topic_id=request.args.get("topic", type=int), author_id=request.args.get("author", type=int),
        since=_day("since"), until=_day("until"))
    found = browse.list_posts(session, account.id, wanted, page=request.args.get("page", 1, type=int),
                              timezone=runtime().settings.timezone)
    return render_template("console/posts.html", found=found, wanted=wanted, reach=reach.posts_reach(session, found.posts),
                           statuses=[s.value for s in Status if s != Status.DISCARDED],
                           topics=browse.topic_names(session, account.id),
                           authors=browse.staff_names(session, account.id))


@blueprint.get("/posts/<int:post_id>")
def post_detail(post_id: int):
    session, rt = db(), runtime()
    post = owned(Post, post_id)
    if post.status == Status.DISCARDED.value:
        abort(404)
    blocks = drafting.blocks_of(session, post.id)
    images = drafting.images_of(session, post.id)
    cover = next((i for i in images if i.is_cover), None)
    account = byline.account_settings(session, post, rt.settings)
    # The article as it will go out, its footer included; only the pictures come from here.
    body = content.render_article(
        [content.Block(b.kind, b.text, b.image_id) for b in blocks],
        lambda image_id: url_for("console.post_image", post_id=post.id, image_id=image_id),
        byline.footer(session, post, rt.settings, account))
    findings = drafting.check_post(session, post, rt.settings)
    bundle = session.get(PublishBundle, post.bundle_id) if post.bundle_id else None
    approvals = review.approvals_of(session, post)
    names = browse.staff_names(session, g.account.id)
    return render_template(
        "console/post.html", post=post, body=body, article_author=byline.article_author(post, account), cover=cover, findings=findings, bundle=bundle,
        reach=reach.post_reach(session, post),
        approvals=approvals, names=names, trail=browse.trail(session, post),
        reviewers=review.eligible_reviewers(session, post, rt.settings), levels=rt.settings.review_levels,
        me=linked_staff(session, g.user), can_review=post.status == Status.SUBMITTED.value)


@blueprint.get("/posts/<int:post_id>/images/<int:image_id>")
def post_image(post_id: int, image_id: int):
    post = owned(Post, post_id)
    image = db().get(PostImage, image_id, options=[undefer(PostImage.data)])  # the bytes are deferred
    if image is None or image.post_id != post.id or not image.data:
        abort(404)
    kind = image.content_type if (image.content_type or "").startswith("image/") else "application/octet-stream"
    response = Response(image.data, mimetype=kind)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@blueprint.post("/posts/<int:post_id>/approve")
def post_approve(post_id: int):
    post = owned(Post, post_id)
    here = url_for("console.post_detail", post_id=post.id)

    def approve() -> str:
        reviewer = _reviewer()
        rt = runtime()
        now = rt.clock.now()
        result = review.approve(db(), post=post, reviewer=reviewer, settings=rt.settings, actor=actor_of(g.user),
                                clock=rt.clock,
                                planner=lambda queued: planned_time(db(), g.account, rt.settings, now, queued.id))
        if result.final:
            return texts.APPROVED_FINAL.format(post=texts.POST_REF.format(post_id=post.id, title=post.title),
                                               when=review.when_text(post, rt.settings, result.goes_out_at))
        return texts.APPROVED_PARTIAL.format(level=result.level, levels=result.levels)

    return act(approve, here)


@blueprint.post("/posts/<int:post_id>/return")
def post_return(post_id: int):
    post = owned(Post, post_id)
    here = url_for("console.post_detail", post_id=post.id)

    def send_back() -> str:
        reviewer = _reviewer()
        rt = runtime()
        review.return_post(db(), post=post, reviewer=reviewer, reason=request.form.get("reason", ""),
                           actor=actor_of(g.user), clock=rt.clock)
        return texts.RETURNED.format(post=texts.POST_REF.format(post_id=post.id, title=post.title))

    return act(send_back, here)


def _reviewer():
    member = linked_staff(db(), g.user)
    if member is None:
        raise drafting.ChatError(texts.LINK_NEEDED)
    return member
