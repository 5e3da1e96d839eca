"""Spreadsheets as secretaries really keep them: two-row merged headers, Excel serial dates,
the same notice posted twice on one day."""
from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from publisher.db import transaction
from publisher.models import LedgerEntry
from publisher.services.audit import CLI
from publisher.services.ledger_import import import_file


def run_import(runtime, account, path):
    with transaction(runtime.session_factory) as session:
        return import_file(session, path, account_id=account.id, channels=runtime.settings.channels,
                           actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)


def ledger(runtime):
    with runtime.session_factory() as session:
        return [(e.disclosed_on, e.channel, e.topic, e.title)
                for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]


def test_a_two_row_header_with_merged_cells_is_found(runtime, account, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2023年政务公开台账"])
    sheet.merge_cells("A1:E1")
    sheet.append(["日期", "公开信息", None, None, "链接"])
    sheet.append([None, "渠道", "话题", "标题", None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("E2:E3")
    sheet.append(["2023-03-05", "公开栏", "乡村振兴", "三月村务公开", None])
    path = tmp_path / "merged.xlsx"
    book.save(path)
    assert run_import(runtime, account, path).added == 1
    assert ledger(runtime) == [(date(2023, 3, 5), "三务公开栏", "乡村振兴", "三月村务公开")]


def test_excel_serial_dates_are_read_as_days(runtime, account, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "渠道", "话题", "标题"])
    sheet.append([44986, "广播", "平安建设", "森林防火"])  # a date cell formatted as a number: 2023-03-01
    path = tmp_path / "serial.xlsx"
    book.save(path)
    csv_path = tmp_path / "serial.csv"
    csv_path.write_text("日期,渠道,话题,标题\n45291.5,会议,综治维稳,年终矛盾排查会\n", encoding="utf-8")
    assert run_import(runtime, account, path).added == 1
    assert run_import(runtime, account, csv_path).added == 1
    assert [row[0] for row in ledger(runtime)] == [date(2023, 3, 1), date(2023, 12, 31)]


def test_the_same_notice_posted_twice_on_one_day_counts_twice_and_reimport_adds_nothing(runtime, account, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("日期,渠道,话题,标题\n"
                    "2023-03-05,三务公开栏,乡村振兴,村务公开\n"
                    "2023-03-05,三务公开栏,乡村振兴,村务公开\n", encoding="utf-8")
    assert run_import(runtime, account, path).added == 2
    again = run_import(runtime, account, path)
    assert (again.added, again.skipped) == (0, 2)
    assert len(ledger(runtime)) == 2
