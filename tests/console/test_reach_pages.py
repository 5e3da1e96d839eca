"""The console's reads: per article in the post list and detail, and monthly on the dashboard."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from bot.app import create_app
from publisher.services.accounts import account_by_name
from publisher.services.console_users import create_login
from publisher.db import transaction
from publisher.models import PublishBundle
from publisher.services.reach import pull_every_account
from publisher.sandbox.datacube import _figures
from publisher.texts import reach as texts
from publisher.texts import report as report_texts
from tests.console.conftest import PASSWORD, sign_in
from tests.publishing_support import at_morning, both_clocks_at, no_wait, published_mass_post
from tests.publishing_support import queue_post, run_until_settled


def signed_in_client(runtime):
    app = create_app(runtime)
    app.config["TESTING"] = True
    with transaction(runtime.session_factory) as session:
        create_login(session, "wang", PASSWORD, account=account_by_name(session, "default"), clock=runtime.clock)
    client = app.test_client()
    assert sign_in(client, "wang").status_code == 302
    return client


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def read_post(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post, sent = published_mass_post(runtime, sandbox_server, clock, "合作社分红大会召开")
    with runtime.session_factory() as session:
        data_id = session.query(PublishBundle.msg_data_id).scalar()
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1), 8, 30))
    pull_every_account(runtime, sleep=no_wait)
    return runtime, post, sent, _figures(f"{data_id}_1", 0)


def test_post_list_and_detail_show_the_reads_wechat_measured(read_post):
    runtime, post, sent, figures = read_post
    client = signed_in_client(runtime)
    listing = page(client, "/posts")
    assert texts.COLUMN_READS in listing and f">{figures['int_page_read_count']}</span>" in listing
    detail = page(client, f"/posts/{post}")
    assert texts.VIEW_READS.format(reads=figures["int_page_read_count"], users=figures["int_page_read_user"],
                                   shares=figures["share_count"], through=sent.isoformat()) in detail


def test_dashboard_charts_the_months_reads(read_post):
    runtime, _post, sent, figures = read_post
    dashboard = page(signed_in_client(runtime), "/")
    assert texts.CHART_MONTHLY_READS in dashboard
    if runtime.clock.now().astimezone(runtime.settings.timezone).year == sent.year:
        month = report_texts.MONTH_LABEL.format(month=sent.month)
        assert f"<title>{month}：{figures['int_page_read_count']}</title>" in dashboard
    else:  # the pull's morning is in the new year: the dashboard shows that year, with nothing yet
        assert texts.NO_MONTHLY_READS in dashboard


def test_freepublish_posts_say_wechat_gives_no_figure_and_the_dashboard_shows_no_zero(
        make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    post = queue_post(runtime, "发布的文章", scheduled_at=clock.now())
    run_until_settled(runtime, clock)
    client = signed_in_client(runtime)
    assert texts.NOT_PROVIDED_SHORT in page(client, "/posts")
    assert texts.NOT_PROVIDED in page(client, f"/posts/{post}")
    assert texts.NO_MONTHLY_READS in page(client, "/")
