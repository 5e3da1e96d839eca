"""The report XLSX's sheet of WeChat articles with their reads (SPEC §7a)."""
from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from publisher.texts import reach as texts
from stats.reach import MEASURED, NOT_PROVIDED, ArticleRow

from .build import Report
from .xlsx_cells import inert


def reads_sheet(sheet, report: Report) -> None:
    """One row per article; the figure cells stay empty where WeChat measured nothing, with
    the reason beside them, so a sum over the column never counts a guess. The sheet is
    write-only (the report's workbook is): widths first, then rows in order; date cells get
    openpyxl's yyyy-mm-dd format by themselves."""
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["H"].width = 36
    sheet.append([_bold(sheet, header) for header in texts.SHEET_HEADERS])
    for row in report.reads:
        sheet.append(inert(sheet, _row(row)))


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _row(row: ArticleRow) -> list:
    reach = row.reach
    if reach.state == MEASURED:
        return [row.day, row.title, row.url or "", reach.reads, reach.read_users, reach.shares, reach.through, ""]
    note = texts.NOT_PROVIDED if reach.state == NOT_PROVIDED else texts.NOT_YET_SHORT
    return [row.day, row.title, row.url or "", None, None, None, None, note]

