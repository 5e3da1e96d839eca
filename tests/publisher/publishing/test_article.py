"""One article builder: what a member previews is what is published."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from publisher.background.jobs import run_due_tasks
from publisher.background.tasks import enqueue
from publisher.db import transaction
from publisher.models import PostImage
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.fakes import FakeWeChat, with_gateway
from tests.byline_support import FOOTER, reviewed_post, team
from tests.publishing_support import post_row, queue_post

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)


def _preview(runtime, account, post_id: int) -> None:
    with transaction(runtime.session_factory) as session:
        enqueue(session, account_id=account.id, kind="send_preview", payload={"post_id": post_id, "openid": "oEditor"},
                run_after=runtime.clock.now())
    run_due_tasks(runtime)


def _publish(runtime, post_id: int) -> None:
    runtime.clock.set(NOON)
    run_publishing_pass(runtime, "w")
    assert post_row(runtime, post_id).status == "published"


def test_the_preview_shows_exactly_the_article_that_is_published(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(runtime, fake)
    post = queue_post(runtime, "春耕备耕", body_picture=True)

    _preview(runtime, account, post)
    _publish(runtime, post)

    (previewed, openid), = fake.previews
    assert openid == "oEditor"
    assert fake.added[-1] == previewed
    assert len(fake.uploads) == 2  # cover and body picture, uploaded by the preview, reused by the publish


def test_the_preview_uploads_the_pictures_as_the_publish_does(runtime, account, clock):
    post = queue_post(runtime, "秋收进度", body_picture=True)
    previewing = FakeWeChat(clock)
    _preview(with_gateway(runtime, previewing), account, post)
    with transaction(runtime.session_factory) as session:  # as if the publish were the first to upload
        for image in session.scalars(select(PostImage).where(PostImage.post_id == post)):
            image.thumb_media_id = image.thumb_url = image.body_url = None

    publishing = FakeWeChat(clock)
    _publish(with_gateway(runtime, publishing), post)

    assert publishing.uploads == previewing.uploads
    assert publishing.added == [previewing.previews[0][0]]


# The author line and the 三级审查 footer (issue 11 item 9)


def _two_level_runtime(runtime, **account):
    from dataclasses import replace as _replace

    accounts = tuple(_replace(a, **account) for a in runtime.settings.accounts)
    return _replace(runtime, settings=_replace(runtime.settings, review_levels=2, accounts=accounts))


def test_the_published_article_is_by_the_township_not_the_member_who_wrote_it(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(_two_level_runtime(runtime), fake)
    post = reviewed_post(runtime, team(runtime))

    _publish(runtime, post)

    (published,), = fake.added
    assert published.author == "优干宁镇人民政府"


def test_the_account_author_setting_is_the_published_author_line(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(_two_level_runtime(runtime, author="党政办"), fake)
    post = reviewed_post(runtime, team(runtime))

    _publish(runtime, post)

    assert fake.added[-1][0].author == "党政办"


def test_the_published_article_ends_with_who_wrote_reviewed_and_signed_it(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(_two_level_runtime(runtime), fake)
    post = reviewed_post(runtime, team(runtime))

    _publish(runtime, post)

    content = fake.added[-1][0].content
    assert content.endswith(f'">{FOOTER}</p>')
    assert post_row(runtime, post).published_footer == {
        "wrote": "张三", "reviewed": ["李四"], "signed": "王书记", "has_review_level": True, "settled": True}


def test_the_wechat_preview_shows_the_same_author_line_and_footer_as_the_published_article(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(_two_level_runtime(runtime), fake)
    post = reviewed_post(runtime, team(runtime))

    _preview(runtime, account, post)
    _publish(runtime, post)

    (previewed, _), = fake.previews
    assert previewed == fake.added[-1]
    assert FOOTER in previewed[0].content and previewed[0].author == "优干宁镇人民政府"


def test_an_account_with_the_footer_turned_off_publishes_without_it(runtime, account, clock):
    fake = FakeWeChat(clock)
    runtime = with_gateway(_two_level_runtime(runtime, review_footer=False), fake)
    post = reviewed_post(runtime, team(runtime))

    _publish(runtime, post)

    assert "撰稿" not in fake.added[-1][0].content
    assert post_row(runtime, post).published_footer is None
