"""A ledger kept by hand in a spreadsheet: loaded whole or not at all, again without duplicates."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import cli
from publisher.db import transaction
from publisher.models import LedgerEntry
from publisher.services.audit import CLI
from publisher.services.ledger_import import ImportRejected, import_file

GOOD_CSV = """优干宁镇2023年政务公开台账
发布日期,公开方式,类别,信息名称,网址
2023年3月5日,公开栏,乡村振兴,三月村务公开,
2023/12/31 23:30,三务公开栏,民生改善,低保名单公示,
2024-01-01,广播,平安建设,防火宣传,
"""


def run_import(runtime, account, path):
    with transaction(runtime.session_factory) as session:
        return import_file(session, path, account_id=account.id, channels=runtime.settings.channels,
                           actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)


def rows(runtime):
    with runtime.session_factory() as session:
        return session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def test_csv_with_a_title_line_and_a_secretarys_headers_is_imported(runtime, account, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(GOOD_CSV, encoding="utf-8-sig")
    result = run_import(runtime, account, path)
    assert (result.added, result.skipped) == (3, 0)
    imported = rows(runtime)
    assert [(r.disclosed_on.isoformat(), r.channel, r.topic) for r in imported] == [
        ("2023-03-05", "三务公开栏", "乡村振兴"), ("2023-12-31", "三务公开栏", "民生改善"), ("2024-01-01", "广播", "平安建设")]
    assert {r.source for r in imported} == {"import"}


def test_importing_the_same_sheet_again_adds_nothing(runtime, account, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    run_import(runtime, account, path)
    again = run_import(runtime, account, path)
    assert (again.added, again.skipped) == (0, 3) and len(rows(runtime)) == 3


def test_gbk_csv_from_excel_is_read(runtime, account, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("日期,渠道,话题,标题,链接\n2023-05-01,会议,综治维稳,矛盾纠纷排查会,\n".encode("gbk"))
    assert run_import(runtime, account, path).added == 1


def test_xlsx_with_date_cells_is_imported(runtime, account, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "渠道", "话题", "标题", "链接"])
    sheet.append([datetime(2023, 6, 1), "政府网站", "法治宣传", "宪法宣传周", "https://example.gov.cn/a"])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    assert run_import(runtime, account, path).added == 1
    assert rows(runtime)[0].url == "https://example.gov.cn/a"


def test_bad_rows_are_listed_by_line_and_reason_and_nothing_is_written(runtime, account, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "日期,渠道,话题,标题\n"
        "2023-03-05,三务公开栏,乡村振兴,好的一行\n"
        "3月5日,三务公开栏,乡村振兴,没有年份\n"
        "2023-03-06,电视,乡村振兴,不认识的渠道\n"
        "2023-03-07,三务公开栏,旅游,不认识的话题\n"
        "2023-03-08,三务公开栏,乡村振兴,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        run_import(runtime, account, path)
    problems = rejected.value.problems
    assert problems[0].startswith("导入失败，没有写入任何记录") and len(problems) == 5
    assert problems[1].startswith("第 3 行：日期「3月5日」无法识别")
    assert problems[2].startswith("第 4 行：渠道「电视」无效")
    assert problems[3].startswith("第 5 行：话题「旅游」无效")
    assert problems[4] == "第 6 行：标题为空"
    assert rows(runtime) == []


def test_missing_columns_are_named(runtime, account, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("日期,标题\n2023-01-01,x\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="表头缺少列：渠道、话题"):
        run_import(runtime, account, path)


def test_cli_import_exits_non_zero_on_a_bad_file_and_reports_counts_on_a_good_one(database_url, runtime, tmp_path):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    bad.write_text("日期,渠道,话题,标题\n2023-13-01,广播,乡村振兴,x\n", encoding="utf-8")
    runner = CliRunner()
    failed = runner.invoke(cli, ["ledger", "import", str(bad)], env=env)
    assert failed.exit_code == 1 and "第 2 行" in failed.stderr
    done = runner.invoke(cli, ["ledger", "import", str(good)], env=env)
    assert done.exit_code == 0 and "新增 3 条" in done.output
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 3


def test_cli_ledger_add_then_delete_keeps_the_row(database_url, runtime):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    runner = CliRunner()
    added = runner.invoke(cli, ["ledger", "add", "--day", "2023-12-31", "--time", "23:30", "--channel", "广播",
                                "--topic", "平安建设", "--title", "森林防火"], env=env)
    assert added.exit_code == 0 and "2023-12-31" in added.output
    assert runner.invoke(cli, ["ledger", "delete", "1"], env=env).exit_code == 0
    with runtime.session_factory() as session:
        assert session.get(LedgerEntry, 1).deleted_at is not None


def test_cli_ledger_add_takes_times_as_typed_and_refuses_an_impossible_one(database_url, runtime):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    common = ["ledger", "add", "--day", "2024-03-01", "--channel", "广播", "--topic", "平安建设", "--title", "防火"]
    runner = CliRunner()

    refused = runner.invoke(cli, [*common, "--time", "25:00"], env=env)
    added = runner.invoke(cli, [*common, "--time", "9:30"], env=env)

    assert refused.exit_code == 2 and "25:00" in refused.output
    assert added.exit_code == 0, added.output
    with runtime.session_factory() as session:
        entry = session.scalars(select(LedgerEntry)).one()
    assert entry.published_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") == "2024-03-01 09:30"


def test_cli_lists_guessed_rows_and_correcting_the_topic_confirms_it(database_url, runtime, account):
    from datetime import datetime as dt
    from zoneinfo import ZoneInfo

    from publisher.services.ledger import add_entry

    with transaction(runtime.session_factory) as session:
        add_entry(session, account_id=account.id, channel="微信公众号", topic="其他", title="元宵节文艺汇演",
                  published_at=dt(2023, 2, 5, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai")), source="history",
                  topic_guessed=True, actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    runner = CliRunner()
    listed = runner.invoke(cli, ["ledger", "list", "--year", "2023", "--guessed"], env=env)
    assert listed.output == "1\t2023-02-05\t微信公众号\t其他?\t元宵节文艺汇演\n"
    corrected = runner.invoke(cli, ["ledger", "correct", "1", "--topic", "民生改善"], env=env)
    assert corrected.exit_code == 0 and "话题「其他」→「民生改善」" in corrected.output
    assert runner.invoke(cli, ["ledger", "list", "--guessed"], env=env).output == ""
