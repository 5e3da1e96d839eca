"""全县汇总 in the console: a county login sees the roll-up `govpost report YEAR --county` builds; a
township's login cannot reach it."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.cli import cli
from publisher.db import transaction
from publisher.services.accounts import account_by_name
from publisher.services.audit import SYSTEM
from publisher.services.console_users import create_login
from publisher.services.ledger import add_entry
from publisher.texts import console as texts
from publisher.texts import county as county_texts
from tests.conftest import BEIJING, make_settings
from tests.console.conftest import sign_in

ACCOUNTS = [{"name": "east", "display_name": "东镇人民政府"}, {"name": "west", "display_name": "西镇人民政府"},
            {"name": "north", "display_name": "北乡人民政府"}]


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, accounts=ACCOUNTS)


def _article(session, runtime, name: str, days_ago: int, channel: str = "微信公众号") -> None:
    add_entry(session, account_id=account_by_name(session, name).id, channel=channel, topic="乡村振兴",
              title=f"{name}的文章", published_at=runtime.clock.now() - timedelta(days=days_ago), source="manual",
              actor=SYSTEM, clock=runtime.clock, timezone=BEIJING)


@pytest.fixture
def county(runtime):
    """East wrote 2 days ago, west 20 days ago (past the 14-day rule), north never on WeChat."""
    with transaction(runtime.session_factory) as session:
        _article(session, runtime, "east", 2)
        _article(session, runtime, "east", 9)
        _article(session, runtime, "west", 20)
        _article(session, runtime, "north", 3, channel="三务公开栏")
        create_login(session, "county", "correct-horse-9", account=None, clock=runtime.clock)
        create_login(session, "east-admin", "correct-horse-9", account=account_by_name(session, "east"),
                     clock=runtime.clock)
    return runtime


def test_a_county_login_sees_every_accounts_counts_days_and_the_county_totals(app, county):
    client = app.test_client()
    sign_in(client, "county")
    body = client.get("/county?year=2024").get_data(as_text=True)
    assert county_texts.TITLE.format(year=2024) in body
    for account in ACCOUNTS:
        assert account["display_name"] in body
    assert county_texts.COUNTY_TOTAL in body and 'href="/county"' in body  # in the navigation
    # The 14-day rule: west past it in red, north never on WeChat in red, east fresh.
    assert '<span class="days urgent">20</span>' in body
    assert f'<span class="days never">{county_texts.NEVER}</span>' in body
    assert '<span class="days fresh">2</span>' in body
    assert texts.COUNTY_SUMMARY.format(accounts=3, total=4, stale=2, days=county.settings.stale_days_urgent) in body


def test_the_county_page_turns_amber_at_the_warning_threshold(app, county, clock):
    client = app.test_client()
    sign_in(client, "county")
    clock.advance(days=county.settings.stale_days_warn - 2)  # east's last article is now warn days old
    body = client.get("/county?year=2024").get_data(as_text=True)
    assert f'<span class="days warn">{county.settings.stale_days_warn}</span>' in body
    assert texts.COUNTY_FRESHNESS["warn"].format(warn=county.settings.stale_days_warn,
                                                 urgent=county.settings.stale_days_urgent) in body


def test_the_county_download_is_what_govpost_report_county_prints(app, county, database_url, tmp_path):
    from click.testing import CliRunner

    client = app.test_client()
    sign_in(client, "county")
    downloaded = json.loads(client.get("/county/download/json?year=2024").get_data(as_text=True))
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{database_url}"\n' + "".join(
        f'[[accounts]]\nname = "{a["name"]}"\ndisplay_name = "{a["display_name"]}"\n' for a in ACCOUNTS),
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "2024", "--county", "--format", "json"],
                                env={"GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    # The CLI's clock is the machine's, the page's the test's: the days differ, nothing else.
    for side in (downloaded, printed):
        for row in side["accounts"]:
            row.pop("days_since_last_article")
        side["county"].pop("stale_accounts")
    assert downloaded == printed
    assert downloaded["county"]["total"] == 4


@pytest.mark.parametrize("path", ["/county", "/county/download/json", "/county/download/xlsx"])
def test_a_township_login_cannot_reach_the_county_page(app, county, path):
    client = app.test_client()
    sign_in(client, "east-admin")
    response = client.get(path)
    assert response.status_code == 403
    if path == "/county":
        assert texts.COUNTY_ONLY in response.get_data(as_text=True)
    assert 'href="/county"' not in client.get("/").get_data(as_text=True)
    assert "西镇人民政府" not in response.get_data(as_text=True)
