"""查看 and 统计 with reads: the figures once pulled, the plain sentence where WeChat gives none."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.ledger import statistics
from bot.commands.posts import view
from bot.commands.registry import CommandContext
from publisher.services.accounts import AccountContext, account_by_name
from publisher.services.audit import Actor
from publisher.models import PublishBundle
from publisher.services.reach import pull_every_account
from publisher.sandbox.datacube import _figures
from publisher.texts import reach as texts
from tests.publishing_support import at_morning, both_clocks_at, no_wait, published_mass_post
from tests.publishing_support import queue_post, run_until_settled


def say(runtime, handler, args: str) -> str:
    with runtime.session_factory() as session, session.begin():
        account = AccountContext.of(account_by_name(session, "default"), runtime.settings)
        ctx = CommandContext(session=session, runtime=runtime, account=account,
                             staff=None, actor=Actor("staff:7"), now=runtime.clock.now(), openid="oStaff7")
        return handler(ctx, args)


@pytest.fixture
def article_read(make_runtime, sandbox_server, clock):
    """A post mass-sent, its figures pulled at 08:30 the next morning."""
    runtime = make_runtime(mode="mass")
    first, sent = published_mass_post(runtime, sandbox_server, clock, "合作社分红大会召开")
    with runtime.session_factory() as session:
        data_id = session.query(PublishBundle.msg_data_id).scalar()
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1), 8, 30))
    pull_every_account(runtime, sleep=no_wait)
    return runtime, first, sent, _figures(f"{data_id}_1", 0)


def test_view_adds_the_reads_and_shares_once_known(article_read):
    runtime, post, sent, figures = article_read
    reply = say(runtime, view, str(post))
    assert texts.VIEW_READS.format(reads=figures["int_page_read_count"], users=figures["int_page_read_user"],
                                   shares=figures["share_count"], through=sent.isoformat()) in reply.splitlines()


def test_statistics_adds_the_years_reads_and_the_most_read_articles(article_read):
    runtime, _post, sent, figures = article_read
    reply = say(runtime, statistics, str(sent.year)).splitlines()
    # One article on the account that day: the account's total is that article's reads.
    assert texts.STATS_READS.format(reads=figures["int_page_read_count"]) in reply
    assert reply[reply.index(texts.STATS_TOP) + 1] == texts.STATS_TOP_LINE.format(
        rank=1, title="合作社分红大会召开", reads=figures["int_page_read_count"])


def test_view_of_a_freepublish_article_says_wechat_gives_no_per_article_reads(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    post = queue_post(runtime, "发布的文章", scheduled_at=clock.now())
    run_until_settled(runtime, clock)
    reply = say(runtime, view, str(post))
    assert texts.NOT_PROVIDED in reply.splitlines()
    assert "阅读：" not in reply


def test_view_of_a_mass_sent_article_before_its_figures_says_so_and_shows_no_number(
        make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post, _sent = published_mass_post(runtime, sandbox_server, clock)
    reply = say(runtime, view, str(post))
    assert texts.NOT_YET in reply.splitlines()


def test_statistics_without_figures_says_the_reads_are_not_known_rather_than_zero(make_runtime, clock):
    runtime = make_runtime(mode="freepublish")
    reply = say(runtime, statistics, "2024").splitlines()
    assert texts.STATS_READS_UNKNOWN in reply and texts.STATS_TOP not in reply
