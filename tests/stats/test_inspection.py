"""The quarterly 政务新媒体 check (issue 13 item 6): every rule's pass and fail on seeded data,
its JSON and XLSX, and `govpost inspect` refusing a bad quarter in Chinese."""
from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import event

from bot.cli import cli
from publisher.db import transaction
from publisher.models import AuditEntry, InboundMessage, Post, PostBlock
from publisher.services.accounts import account_context
from publisher.services.audit import CLI
from publisher.services.citizen_messages import REPLY_ACTION
from publisher.services.ledger import add_entry
from publisher.texts import inspection as texts
from stats.county.inspection import BadQuarter, Quarter, inspect_county, longest_gap, parse_quarter
from stats.county.render_inspection import render, summary_grid
from tests.conftest import POSTGRES_URL

BEIJING = ZoneInfo("Asia/Shanghai")
Q1 = Quarter(2025, 1)  # 2025-01-01 .. 2025-03-31, 90 days
AFTER_Q1 = datetime(2025, 4, 10, 9, 0, tzinfo=BEIJING)
FULL_FOOTER = {"wrote": "张三", "reviewed": ["李四"], "signed": "王书记", "has_review_level": True, "settled": True}


def every_days(step: int, first: date = Q1.first_day, last: date = Q1.last_day) -> list[date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day += timedelta(days=step)
    return days


@pytest.fixture
def seed(runtime, account):
    """seed.article(day, ...), seed.message(received, answered): rows as publishing and the 留言
    page leave them."""

    class Seed:
        serial = 0

        def article(self, day: date, *, title: str | None = None, text: str = "各村要加强巡查。",
                    footer: dict | None = FULL_FOOTER, written_here: bool = True) -> None:
            Seed.serial += 1
            title = title or f"工作动态{Seed.serial}"
            at = datetime(day.year, day.month, day.day, 12, 0, tzinfo=BEIJING)
            with transaction(runtime.session_factory) as session:
                post_id = None
                if written_here:
                    post = Post(account_id=account.id, title=title, author_name="张三", status="published",
                                published_at=at, published_footer=footer, created_at=at, updated_at=at)
                    session.add(post)
                    session.flush()
                    session.add(PostBlock(post_id=post.id, position=1, kind="text", text=text))
                    post_id = post.id
                add_entry(session, account_id=account.id, channel="微信公众号", topic="乡村振兴", title=title,
                          published_at=at, post_id=post_id, source="publish" if written_here else "history",
                          actor=CLI, clock=runtime.clock, timezone=BEIJING)

        def message(self, received: datetime, answered: datetime | None) -> None:
            Seed.serial += 1
            with transaction(runtime.session_factory) as session:
                row = InboundMessage(account_id=account.id, dedup_key=f"citizen:{Seed.serial}",
                                     from_openid="o-citizen", msg_type="text", raw="", received_at=received)
                session.add(row)
                session.flush()
                if answered is not None:
                    session.add(AuditEntry(account_id=account.id, at=answered, actor="admin:wang",
                                           action=REPLY_ACTION, inbound_message_id=row.id,
                                           detail={"by": "wang", "text": "已转交。"}))

    return Seed()


def check(runtime, now: datetime = AFTER_Q1, quarter: Quarter = Q1):
    with runtime.session_factory() as session:
        accounts = [account_context(session, runtime.settings, "default")]
        return inspect_county(session, accounts, quarter, settings=runtime.settings, now=now)


def only(runtime, **kwargs):
    (result,) = check(runtime, **kwargs).accounts
    return result


def weekly(seed) -> None:
    for day in every_days(7):
        seed.article(day)


# Quarters


@pytest.mark.parametrize("text, quarter", [("2025Q1", Q1), ("2025q4", Quarter(2025, 4)), (" 2024-Q2 ", Quarter(2024, 2))])
def test_a_quarter_is_written_as_year_and_q_number(text, quarter):
    assert parse_quarter(text) == quarter


@pytest.mark.parametrize("text, message", [
    ("2025Q5", texts.BAD_QUARTER.format(text="2025Q5")),
    ("2025年一季度", texts.BAD_QUARTER.format(text="2025年一季度")),
    ("", texts.BAD_QUARTER.format(text="")),
    ("1999Q1", texts.QUARTER_YEAR_OUT_OF_RANGE.format(text="1999Q1", first=2008, last=2100)),
])
def test_a_bad_quarter_is_refused_in_chinese(text, message):
    with pytest.raises(BadQuarter) as refused:
        parse_quarter(text)
    assert str(refused.value) == message


def test_a_quarter_not_begun_is_refused(runtime):
    with pytest.raises(BadQuarter) as refused:
        check(runtime, now=datetime(2025, 3, 31, 23, 0, tzinfo=BEIJING), quarter=Quarter(2025, 2))
    assert str(refused.value) == texts.QUARTER_NOT_BEGUN.format(quarter="2025Q2", first="2025-04-01")


def test_the_cli_refuses_a_bad_quarter_in_chinese_without_a_traceback(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["inspect", "--quarter", "2025Q5", "--county"], env=env)
    assert result.exit_code != 0
    assert texts.BAD_QUARTER.format(text="2025Q5") in result.output
    assert isinstance(result.exception, SystemExit)  # click's own exit, not an error escaping


# Longest gap and the two-week single veto


def test_longest_gap_counts_the_days_before_the_first_and_after_the_last_article():
    assert longest_gap([date(2025, 1, 5), date(2025, 3, 20)], Q1.first_day, Q1.last_day) == (
        73, date(2025, 1, 6), date(2025, 3, 19))
    assert longest_gap([date(2025, 1, 20)], Q1.first_day, Q1.last_day) == (70, date(2025, 1, 21), date(2025, 3, 31))
    assert longest_gap([], Q1.first_day, Q1.last_day) == (90, Q1.first_day, Q1.last_day)
    assert longest_gap(every_days(1), Q1.first_day, Q1.last_day)[0] == 0


def test_an_article_every_week_passes_the_two_week_rule(runtime, seed):
    weekly(seed)

    result = only(runtime)

    assert result.articles == 13 and result.longest_gap_days == 6 and not result.veto
    assert result.passed and result.reasons == []


def test_fourteen_days_without_an_article_is_the_single_veto(runtime, seed):
    for day in every_days(7, last=date(2025, 2, 26)) + [date(2025, 2, 28), date(2025, 3, 15), date(2025, 3, 29)]:
        seed.article(day)

    result = only(runtime)

    assert result.veto and result.longest_gap_days == 14
    assert (result.longest_gap_from, result.longest_gap_until) == (date(2025, 3, 1), date(2025, 3, 14))
    assert result.reasons == [texts.REASON_VETO.format(days=14, first="2025-03-01", last="2025-03-14", limit=14)]


def test_thirteen_days_without_an_article_is_not_a_veto(runtime, seed):
    for day in every_days(14):  # an article every 14th day: 13 days between them
        seed.article(day)
    seed.article(Q1.last_day)

    result = only(runtime)

    assert result.longest_gap_days == 13 and not result.veto and result.passed


def test_the_quarters_last_days_without_an_article_count_towards_the_veto(runtime, seed):
    for day in every_days(7, last=date(2025, 3, 15)):
        seed.article(day)

    result = only(runtime)

    assert result.veto and result.longest_gap_until == Q1.last_day


def test_a_quarter_without_any_article_fails(runtime, seed):
    result = only(runtime)
    assert result.articles == 0 and not result.passed
    assert result.reasons[0] == texts.REASON_NO_ARTICLES


def test_a_running_quarter_is_checked_up_to_today(runtime, seed):
    for day in every_days(7, last=date(2025, 2, 10)):
        seed.article(day)

    result = check(runtime, now=datetime(2025, 2, 12, 9, 0, tzinfo=BEIJING))

    assert result.checked_through == date(2025, 2, 12)
    assert result.accounts[0].passed


def test_a_deleted_article_does_not_count(runtime, seed, account):
    weekly(seed)
    with transaction(runtime.session_factory) as session:
        from publisher.models import LedgerEntry

        for entry in session.query(LedgerEntry).filter(LedgerEntry.disclosed_on.between(date(2025, 2, 1),
                                                                                          date(2025, 2, 28))):
            entry.deleted_at = AFTER_Q1

    assert only(runtime).veto


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's limit on a statement's variables")
def test_a_quarter_is_checked_whatever_the_number_of_its_articles(runtime, seed, db_engine):
    weekly(seed)
    # SQLite refuses a statement of more variables than its limit (250,000 here): with the
    # limit lowered below the quarter's 13 articles, no query may list them one by one.
    event.listen(db_engine, "connect", lambda connection, _: connection.setlimit(
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 8))
    db_engine.dispose()
    result = only(runtime)
    assert result.articles == 13 and result.articles_not_checkable == 0 and not result.reasons


# Citizens' messages


def test_messages_answered_within_the_configured_days_pass(runtime, seed):
    weekly(seed)
    came = datetime(2025, 2, 3, 10, 0, tzinfo=BEIJING)
    seed.message(came, came + timedelta(days=5))

    result = only(runtime)

    assert (result.messages, result.messages_overdue) == (1, 0) and result.passed


def test_a_message_answered_late_or_never_fails(runtime, seed):
    weekly(seed)
    came = datetime(2025, 2, 3, 10, 0, tzinfo=BEIJING)
    seed.message(came, came + timedelta(days=5, minutes=1))
    seed.message(came, None)

    result = only(runtime)

    assert (result.messages, result.messages_overdue) == (2, 2)
    assert result.reasons == [texts.REASON_MESSAGES.format(count=2, days=5)]


def test_an_unanswered_message_still_within_its_days_is_not_overdue(runtime, seed):
    weekly(seed)
    seed.message(datetime(2025, 3, 31, 20, 0, tzinfo=BEIJING), None)

    result = only(runtime, now=datetime(2025, 4, 2, 9, 0, tzinfo=BEIJING))

    assert (result.messages, result.messages_overdue) == (1, 0) and result.passed


def test_a_message_from_another_quarter_is_not_counted(runtime, seed):
    weekly(seed)
    seed.message(datetime(2024, 12, 31, 10, 0, tzinfo=BEIJING), None)

    assert only(runtime).messages == 0


# Published with findings


def test_an_article_with_a_sensitive_word_published_anyway_fails(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), title="学习习大大讲话", text="全镇干部认真学习。")

    result = only(runtime)

    assert result.articles_with_findings == 1
    assert result.reasons == [texts.REASON_FINDINGS.format(count=1)]
    (detail,) = result.details
    assert detail.title == "学习习大大讲话" and detail.rule == "findings" and detail.failing
    assert "习大大" in detail.detail


def test_an_article_with_personal_data_published_anyway_fails(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), text="联系人电话 13812345678。")

    assert only(runtime).articles_with_findings == 1


def test_an_outdated_formulation_is_noted_and_does_not_fail(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), text="继续推进精准扶贫工作。")

    result = only(runtime)

    assert result.passed and result.articles_with_findings == 0
    (detail,) = result.details
    assert not detail.failing and "精准扶贫" in detail.detail


# The 三级审查 footer


def test_an_article_published_without_the_footer_fails(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), footer=None)

    result = only(runtime)

    assert result.articles_without_footer == 1
    assert result.reasons == [texts.REASON_NO_FOOTER.format(count=1)]
    assert result.details[0].detail == texts.DETAIL_NO_FOOTER


def test_an_article_whose_footer_lacks_a_name_fails(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), footer={"wrote": "张三", "reviewed": [], "signed": "王书记",
                                           "has_review_level": False, "settled": True})

    result = only(runtime)

    assert result.articles_footer_incomplete == 1
    assert result.reasons == [texts.REASON_FOOTER_INCOMPLETE.format(count=1)]
    assert result.details[0].detail == texts.DETAIL_FOOTER_MISSING.format(roles="审核人")


def test_articles_not_written_here_are_counted_as_not_checkable_and_do_not_fail(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), written_here=False)

    result = only(runtime)

    assert result.articles == 14 and result.articles_not_checkable == 1 and result.passed


# Several accounts, and the outputs


@pytest.fixture
def settings(database_url):
    from tests.conftest import make_settings

    return make_settings(database_url, accounts=[
        {"name": "default", "display_name": "优干宁镇人民政府"},
        {"name": "east", "display_name": "东镇人民政府"}])


def test_each_account_is_checked_on_its_own_rows(runtime, seed):
    weekly(seed)  # the default account only

    with runtime.session_factory() as session:
        accounts = [account_context(session, runtime.settings, name) for name in ("default", "east")]
        result = inspect_county(session, accounts, Q1, settings=runtime.settings, now=AFTER_Q1)

    assert [(a.account_name, a.articles, a.passed) for a in result.accounts] == [("default", 13, True),
                                                                                ("east", 0, False)]
    assert [a.account_name for a in result.failed] == ["east"]


def test_the_json_gives_each_accounts_verdict_and_reasons_in_chinese(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), footer=None)

    data = json.loads(render(check(runtime), "json"))

    assert data["quarter"] == "2025Q1" and data["checked_through"] == "2025-03-31"
    (account,) = data["accounts"]
    assert account["verdict"] == texts.FAILED and account["reasons"] == [texts.REASON_NO_FOOTER.format(count=1)]
    assert account["details"][0]["rule_name"] == texts.RULES["footer"]
    assert data["failed_accounts"] == ["default"]


def test_the_xlsx_has_the_summary_and_the_faulted_articles(runtime, seed):
    weekly(seed)
    seed.article(date(2025, 3, 3), footer=None)
    result = check(runtime)

    book = load_workbook(io.BytesIO(render(result, "xlsx")))

    summary = [list(row) for row in book[texts.SHEET_SUMMARY].iter_rows(min_row=3, values_only=True)]
    assert summary == summary_grid(result)
    assert summary[1][2] == texts.FAILED
    details = list(book[texts.SHEET_DETAILS].iter_rows(min_row=2, values_only=True))
    assert details[0][4:] == (texts.RULES["footer"], texts.DETAIL_NO_FOOTER, texts.FAILING)


def test_the_cli_writes_the_xlsx_and_says_each_accounts_verdict(database_url, runtime, seed, tmp_path):
    weekly(seed)
    out = tmp_path / "inspect.xlsx"
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}

    result = CliRunner().invoke(cli, ["inspect", "--quarter", "2025Q1", "--county", "--format", "xlsx",
                                      "--out", str(out)], env=env)

    assert result.exit_code == 0, result.output
    assert load_workbook(out)[texts.SHEET_SUMMARY]["A4"].value == "default"
    assert texts.CLI_LINE.format(account="default", display_name="优干宁镇人民政府", verdict=texts.PASSED,
                                 reasons=texts.NONE) in result.output
