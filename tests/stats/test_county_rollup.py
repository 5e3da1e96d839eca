"""The county roll-up equals the sum of the per-account reports, cell by cell, in JSON and
XLSX; days since each township's last WeChat article; `govpost report YEAR --county`."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import cli
from publisher.db import transaction
from publisher.runtime import Runtime
from publisher.services.accounts import account_context, sync_accounts
from publisher.services.audit import CLI
from publisher.services.ledger import add_entry
from publisher.texts import county as texts
from stats.county.build import build_county_rollup
from stats.county.render import render_json, render_xlsx, rollup_dict
from stats.report.build import build_report
from stats.report.consistency import violations
from stats.report.render_json import report_dict
from tests.conftest import BEIJING, make_settings

LEDGERS = {
    "default": {("微信公众号", "乡村振兴"): 5, ("微信公众号", "党组织建设"): 3, ("三务公开栏", "乡村振兴"): 2},
    "east": {("微信公众号", "乡村振兴"): 4, ("广播", "平安建设"): 6},
    "west": {},  # nothing published: never
}
NOW = datetime(2024, 1, 20, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def county(database_url, db_engine, session_factory, clock):
    settings = make_settings(database_url, accounts=[
        {"name": "default", "display_name": "优干宁镇"}, {"name": "east", "display_name": "东镇"},
        {"name": "west", "display_name": "西镇"}])
    runtime = Runtime(settings, db_engine, session_factory, clock)
    with transaction(session_factory) as session:
        for account in sync_accounts(session, settings, clock):
            serial = 0
            for (channel, topic), count in LEDGERS[account.name].items():
                for _ in range(count):
                    serial += 1
                    day = date(2023, 1, 1) + timedelta(days=serial * 29 % 365)
                    add_entry(session, account_id=account.id, channel=channel, topic=topic,
                              title=f"{account.name}{topic}{serial}", source="manual", actor=CLI, clock=clock,
                              published_at=datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING),
                              timezone=settings.timezone)
    return runtime


def rollup_of(runtime):
    with runtime.session_factory() as session:
        accounts = [account_context(session, runtime.settings, a.name) for a in runtime.settings.accounts]
        rollup = build_county_rollup(session, accounts, 2023, settings=runtime.settings,
                                     now=NOW, stale_after_days=14)
        reports = {a.name: build_report(session, a, 2023, settings=runtime.settings)
                   for a in accounts}
    return rollup, reports


def test_county_rollup_equals_the_sum_of_the_account_reports_in_every_cell(county):
    rollup, reports = rollup_of(county)
    data = rollup_dict(rollup)
    per_account = {name: report_dict(r)["proactive"] for name, r in reports.items()}
    assert [row["account"] for row in data["accounts"]] == ["default", "east", "west"]
    channels = {c for p in per_account.values() for c in p["by_channel"]}
    topics = {t for p in per_account.values() for t in p["by_topic"]}
    assert set(rollup.channels) == channels and set(rollup.topics) == topics
    for row in data["accounts"]:
        own = per_account[row["account"]]
        assert row["total"] == own["total"]
        assert row["by_channel"] == {c: own["by_channel"].get(c, 0) for c in rollup.channels}
        assert row["by_topic"] == {t: own["by_topic"].get(t, 0) for t in rollup.topics}
        assert row["findings"] == violations(reports[row["account"]].checks)
    for channel in channels:
        assert data["county"]["by_channel"][channel] == sum(p["by_channel"].get(channel, 0)
                                                           for p in per_account.values())
    for topic in topics:
        assert data["county"]["by_topic"][topic] == sum(p["by_topic"].get(topic, 0) for p in per_account.values())
    assert data["county"]["total"] == sum(p["total"] for p in per_account.values()) == 20
    assert json.loads(render_json(rollup)) == data


def test_county_xlsx_shows_the_same_cells_as_the_json(county):
    rollup, _ = rollup_of(county)
    data = rollup_dict(rollup)
    book = load_workbook(io.BytesIO(render_xlsx(rollup)))
    for sheet_name, key, columns in ((texts.SHEET_BY_CHANNEL, "by_channel", rollup.channels),
                                     (texts.SHEET_BY_TOPIC, "by_topic", rollup.topics)):
        rows = list(book[sheet_name].iter_rows(values_only=True))
        assert list(rows[0]) == [texts.ACCOUNT, texts.DISPLAY_NAME, *columns, texts.TOTAL]
        for line, account in zip(rows[1:-1], data["accounts"]):
            assert list(line) == [account["account"], account["display_name"],
                                  *(account[key][c] for c in columns), account["total"]]
        assert list(rows[-1])[2:] == [*(data["county"][key][c] for c in columns), data["county"]["total"]]


def test_days_since_each_townships_last_wechat_article_and_the_stale_ones(county):
    rollup, _ = rollup_of(county)
    days = {r.account_name: r.days_since_last_article for r in rollup.rows}
    assert days["west"] is None
    assert all(d is not None and d > 14 for name, d in days.items() if name != "west")
    assert [r.account_name for r in rollup.stale_rows] == ["default", "east", "west"]


def test_report_county_on_the_command_line(county, database_url, tmp_path):
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{database_url}"\n[[accounts]]\nname = "default"\n'
                      '[[accounts]]\nname = "east"\n[[accounts]]\nname = "west"\n', encoding="utf-8")
    env = {"GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": ""}
    result = CliRunner().invoke(cli, ["report", "2023", "--county"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["county"]["total"] == 20 and len(data["accounts"]) == 3
    out = tmp_path / "county.docx"
    assert CliRunner().invoke(cli, ["report", "2023", "--county", "--format", "docx", "--out", str(out)],
                              env=env).exit_code == 0
    from docx import Document

    assert Document(str(out)).paragraphs[0].text == texts.TITLE.format(year=2023)
    refused = CliRunner().invoke(cli, ["report", "2023", "--county", "--format", "md"], env=env)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
