"""The report XLSX's sheet of WeChat articles with their reads (SPEC §7a)."""
from __future__ import annotations

from openpyxl.styles import Font

from publisher.texts import reach as texts
from stats.reach import MEASURED, NOT_PROVIDED, ArticleRow

from .build import Report


def reads_sheet(sheet, report: Report) -> None:
    """One row per article; the figure cells stay empty where WeChat measured nothing, with
    the reason beside them, so a sum over the column never counts a guess."""
    sheet.append(list(texts.SHEET_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.reads:
        sheet.append(_row(row))
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["H"].width = 36


def _row(row: ArticleRow) -> list:
    reach = row.reach
    if reach.state == MEASURED:
        return [row.day, row.title, row.url or "", reach.reads, reach.read_users, reach.shares, reach.through, ""]
    note = texts.NOT_PROVIDED if reach.state == NOT_PROVIDED else texts.NOT_YET_SHORT
    return [row.day, row.title, row.url or "", None, None, None, None, note]

