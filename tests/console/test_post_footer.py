"""The console's post page shows the article as it goes out: the author line and the 三级审查
footer the publish sends (issue 11 item 9)."""
from __future__ import annotations

import html

import pytest

from publisher.db import transaction
from publisher.models import Post
from publisher.publishing import article
from tests.byline_support import FOOTER, reviewed_post, team
from tests.conftest import make_settings


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, review={"levels": 2})


def test_the_post_page_shows_the_footer_exactly_as_the_published_article_has_it(signed_in, runtime):
    post_id = reviewed_post(runtime, team(runtime))

    page = signed_in.get(f"/posts/{post_id}").get_data(as_text=True)

    with transaction(runtime.session_factory) as session:
        published = article.draft_article(session, session.get(Post, post_id), runtime.settings).content
    footer_paragraph = published[published.rindex("<p "):]
    assert footer_paragraph.endswith(f"{FOOTER}</p>")
    assert footer_paragraph in page


def test_the_post_page_shows_the_accounts_author_line_not_the_members_name(signed_in, runtime):
    post_id = reviewed_post(runtime, team(runtime))

    page = signed_in.get(f"/posts/{post_id}").get_data(as_text=True)

    assert f'<div class="byline">{html.escape("优干宁镇人民政府")} · 优干宁镇人民政府</div>' in page
