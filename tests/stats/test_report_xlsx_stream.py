"""The XLSX ledger sheet streams: its rows go from the query to the file a batch at a time."""
from __future__ import annotations

import io
import sqlite3
import tracemalloc
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, insert, update

from publisher.models import WECHAT_CHANNEL, LedgerEntry
from publisher.texts import reach as reach_texts
from stats.report.build import build_report
from stats.report.render import render
from tests.conftest import POSTGRES_URL

YEAR = 2024


def load_rows(runtime, account, count: int) -> None:
    """count ledger rows in YEAR, written in one statement: the report reads them, not the ledger's API."""
    now = datetime(2025, 1, 2, tzinfo=UTC)
    rows = []
    for n in range(count):
        day = date(YEAR, 1, 1) + timedelta(days=n % 366)
        # Not WeChat articles: those are listed again on the reads sheet, and this test is
        # about the ledger sheet.
        rows.append({"account_id": account.id, "channel": "三务公开栏", "topic": "乡村振兴", "topic_guessed": n % 7 == 0,
                     "title": f"工作动态第{n}条", "url": f"https://mp.weixin.qq.com/s/{n:012d}",
                     "published_at": datetime(day.year, day.month, day.day, 2, n % 60, tzinfo=UTC),
                     "disclosed_on": day, "source": "publish", "deleted_at": now if n % 50 == 0 else None,
                     "created_by": "test", "created_at": now})
    with runtime.session_factory.begin() as session:
        session.execute(insert(LedgerEntry), rows)


def render_peak(runtime, account) -> tuple[bytes, int]:
    """The XLSX and the most memory Python held at once while building and rendering it."""
    with runtime.session_factory() as session:
        tracemalloc.start()
        try:
            report = build_report(session, account, YEAR, settings=runtime.settings, with_entries=True)
            data = render(report, "xlsx")
            return data, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_xlsx_ledger_rows_stream_from_the_query_instead_of_being_loaded_at_once(runtime, account):
    load_rows(runtime, account, 600)
    render_peak(runtime, account)  # imports and first-use caches, which are not the rows' memory
    _, small = render_peak(runtime, account)
    load_rows(runtime, account, 2_400)
    data, large = render_peak(runtime, account)
    # Five times the rows, about the same memory (what grows is the compressed file itself):
    # rows are read a batch at a time and written out as they come. Holding every row (ORM
    # objects and a normal-mode sheet) costs 4 to 5 times more at 3,000 rows than at 600.
    assert large < small * 1.5, (small, large)
    ledger = load_workbook(io.BytesIO(data), read_only=True)["公开台账"]
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3_000 and sum(1 for row in rows if row[7] == "是") == 12 + 48


def test_xlsx_national_tables_box_every_cell_of_a_merged_header(runtime, account):
    with runtime.session_factory() as session:
        report = build_report(session, account, YEAR, settings=runtime.settings, with_entries=True)
        book = load_workbook(io.BytesIO(render(report, "xlsx")))
    applications = book["表三 依申请公开"]
    assert {"A1:C3", "D1:J1", "E2:I2"} <= {str(r) for r in applications.merged_cells.ranges}
    corner = applications["A1:C3"]  # the merged corner cell prints with its whole outline
    assert all(cell.border.top.style == "thin" for cell in corner[0])
    assert all(cell.border.bottom.style == "thin" for cell in corner[-1])
    assert all(row[0].border.left.style == row[-1].border.right.style == "thin" for row in corner)
    assert applications["D1"].font.b and applications["A1"].alignment.horizontal == "center"
    assert applications.column_dimensions["C"].width == 40
    ledger = book["公开台账"]
    assert ledger.freeze_panes == "A2" and ledger.column_dimensions["D"].width == 48


def test_a_title_typed_as_a_formula_stays_text_on_every_sheet(runtime, account):
    title = '=HYPERLINK("http://203.0.113.9/x","点此查看")'
    now = datetime(2025, 1, 2, tzinfo=UTC)
    with runtime.session_factory.begin() as session:
        session.execute(insert(LedgerEntry), [{
            "account_id": account.id, "channel": "微信公众号", "topic": "=1+1", "topic_guessed": False,
            "title": title, "url": None, "published_at": datetime(YEAR, 3, 1, 2, tzinfo=UTC),
            "disclosed_on": date(YEAR, 3, 1), "source": "manual", "created_by": "test", "created_at": now}])
    with runtime.session_factory() as session:
        report = build_report(session, account, YEAR, settings=runtime.settings, with_entries=True)
        workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    typed = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert {c.value for c in typed} >= {title, "=1+1"}
    assert {c.data_type for c in typed} == {"s"}


def test_the_ledger_sheet_names_each_rows_source_in_chinese(runtime, account):
    from publisher.texts.ledger import SOURCE_NAMES

    now = datetime(2025, 1, 2, tzinfo=UTC)
    with runtime.session_factory.begin() as session:
        session.execute(insert(LedgerEntry), [{
            "account_id": account.id, "channel": "微信公众号", "topic": "乡村振兴", "topic_guessed": False,
            "title": f"第{n}条", "url": None, "published_at": datetime(YEAR, 3, 1, 2, tzinfo=UTC),
            "disclosed_on": date(YEAR, 3, 1), "source": source, "created_by": "test", "created_at": now}
            for n, source in enumerate(("manual", "publish"))])
    with runtime.session_factory() as session:
        report = build_report(session, account, YEAR, settings=runtime.settings, with_entries=True)
        workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    sources = [row[5] for row in workbook["公开台账"].iter_rows(min_row=2, values_only=True)]
    assert sorted(sources) == sorted([SOURCE_NAMES["manual"], SOURCE_NAMES["publish"]])


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's limit on a statement's variables")
@pytest.mark.parametrize("fmt", ["xlsx", "docx", "json"])
def test_report_files_render_however_many_ledger_rows_the_year_has(runtime, account, db_engine, fmt):
    load_rows(runtime, account, 60)
    with runtime.session_factory.begin() as session:
        session.execute(update(LedgerEntry).where(LedgerEntry.id % 2 == 0).values(channel=WECHAT_CHANNEL))
    # SQLite refuses a statement of more variables than its limit (250,000 here; a 1M-row
    # ledger once failed on an IN list of every WeChat article's id): with the limit lowered
    # below the year's rows, no query may list them one by one.
    event.listen(db_engine, "connect", lambda connection, _: connection.setlimit(
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20))
    db_engine.dispose()
    with runtime.session_factory() as session:
        report = build_report(session, account, YEAR, settings=runtime.settings, with_entries=fmt == "xlsx")
        data = render(report, fmt)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data), read_only=True)
        assert len(list(book["公开台账"].iter_rows(min_row=2))) == 60
        assert len(list(book[reach_texts.SHEET_READS].iter_rows(min_row=2))) == 30
