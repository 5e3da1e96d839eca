"""The datacube article endpoints: spans, 08:00 readiness, growth, the threshold, account totals."""

from __future__ import annotations

from datetime import timedelta

from .mornings import next_morning
from .test_messages import _published_on, errcode_of


def test_yesterdays_figures_appear_only_from_eight_oclock(sandbox, client):
    sent = _published_on(sandbox, client, ["早报"], mass=True)
    next_morning(sandbox, hour=7, minute=59)
    assert client.datacube.get_article_summary(sent, sent) == []
    assert client.datacube.get_user_read(sent, sent) == []
    sandbox.advance(120)
    assert [r["title"] for r in client.datacube.get_article_summary(sent, sent)] == ["早报"]


def test_each_endpoint_refuses_a_span_past_its_own(sandbox, client):
    _published_on(sandbox, client, ["一"], mass=True)
    today = next_morning(sandbox, days=10)
    end = today - timedelta(days=1)
    for call, span in ((client.datacube.get_article_summary, 1), (client.datacube.get_article_total, 1),
                       (client.datacube.get_user_read, 3), (client.datacube.get_user_share, 7)):
        call(end - timedelta(days=span - 1), end)
        assert errcode_of(lambda: call(end - timedelta(days=span), end)) == 61501
        assert errcode_of(lambda: call(today, today)) == 61501


def test_a_date_not_in_wechats_format_is_61500(sandbox, client):
    assert errcode_of(lambda: client.datacube.get_user_read("2024/01/01", "2024/01/01")) == 61500


def test_article_total_grows_for_its_first_days_then_stops_at_seven(sandbox, client):
    sent = _published_on(sandbox, client, ["长文"], mass=True)
    next_morning(sandbox, days=3)
    (row,) = client.datacube.get_article_total(sent, sent)
    reads = [d["int_page_read_count"] for d in row["details"]]
    assert [d["stat_date"] for d in row["details"]] == [(sent + timedelta(days=n)).isoformat() for n in range(3)]
    assert reads == sorted(reads) and reads[0] > 0
    next_morning(sandbox, days=10)
    (row,) = client.datacube.get_article_total(sent, sent)
    assert len(row["details"]) == 7


def test_daily_figures_add_up_to_the_cumulative_ones(sandbox, client):
    sent = _published_on(sandbox, client, ["对账"], mass=True)
    next_morning(sandbox, days=3)
    daily = [client.datacube.get_article_summary(d, d) for d in (sent + timedelta(days=n) for n in range(3))]
    (row,) = client.datacube.get_article_total(sent, sent)
    assert sum(r[0]["int_page_read_count"] for r in daily if r) == row["details"][-1]["int_page_read_count"]


def test_account_totals_count_freepublish_articles_too(sandbox, client):
    sent = _published_on(sandbox, client, ["发布的"], mass=False)
    next_morning(sandbox)
    assert client.datacube.get_article_summary(sent, sent) == []
    assert client.datacube.get_article_total(sent, sent) == []
    (read,) = client.datacube.get_user_read(sent, sent)
    assert read["ref_date"] == sent.isoformat() and read["int_page_read_count"] > 0
    shares = client.datacube.get_user_share(sent, sent)
    assert sum(s["share_count"] for s in shares) == read["share_count"]


def test_figures_follow_the_seed(sandbox, client):
    sent = _published_on(sandbox, client, ["种子"], mass=True)
    next_morning(sandbox)
    first = client.datacube.get_article_summary(sent, sent)
    assert first == client.datacube.get_article_summary(sent, sent)
    sandbox.state.datacube_seed = 7
    assert first != client.datacube.get_article_summary(sent, sent)
