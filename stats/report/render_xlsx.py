"""The XLSX form: one sheet per national table (merged header cells as printed), the counts
of section 一 (by channel, by topic and by month, with native bar charts), the ledger rows of
the year for checking by hand; the summary sheet ends with the result of the 勾稽 checks and
the county office's warnings.

The workbook is written in openpyxl's write-only mode, row after row, so that the ledger sheet
of a million-row year streams from the database to the file and never sits in memory. The
mode is the whole workbook's: the national tables are placed cell by cell on a grid first and
then written out in row order, with their merged ranges.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.cell_range import CellRange

from publisher.texts import ledger as ledger_texts
from publisher.texts import reach as reach_texts
from publisher.texts import report as texts

from .build import Report
from .consistency import violations
from .layout import appeal_result_labels, appeal_values, application_column_labels, application_rows, article20_blocks
from .render_reach import reads_sheet
from .xlsx_cells import inert

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


def render_xlsx(report: Report) -> bytes:
    out = io.BytesIO()
    write_xlsx(report, out)
    return out.getvalue()


def write_xlsx(report: Report, out: BinaryIO) -> None:
    book = Workbook(write_only=True)
    _summary(book.create_sheet(texts.SUMMARY_SHEET), report)
    _article20(_Grid(book.create_sheet(texts.TABLE_SHEETS["proactive"])), report)
    _applications(_Grid(book.create_sheet(texts.TABLE_SHEETS["applications"])), report)
    _appeals(_Grid(book.create_sheet(texts.TABLE_SHEETS["appeals"])), report)
    _ledger(book.create_sheet(texts.LEDGER_SHEET), report.entries)
    reads_sheet(book.create_sheet(reach_texts.SHEET_READS), report)
    book.save(out)


class _Grid:
    """A national table's cells by (row, column), written to its write-only sheet in one go:
    a header cell spans rows below it, so rows are not finished in the order they are placed."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.cells: dict[tuple[int, int], WriteOnlyCell] = {}

    def put(self, row: int, column: int, value, *, to: tuple[int, int] | None = None, bold: bool = False) -> None:
        if to:
            self.sheet.merged_cells.add(CellRange(min_row=row, min_col=column, max_row=to[0], max_col=to[1]))
            # Excel draws a merged range's outline from the cells under it: each one gets the box.
            for r in range(row, to[0] + 1):
                for c in range(column, to[1] + 1):
                    self.cells[r, c] = self._cell(None)
        cell = self.cells[row, column] = self._cell(value)
        cell.alignment = CENTRE
        if bold:
            cell.font = BOLD

    def _cell(self, value) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.border = BOX
        return cell

    def write(self, widths: dict[str, float]) -> None:
        # Column widths go into the sheet's head, so they are set before the first row.
        for column, width in widths.items():
            self.sheet.column_dimensions[column].width = width
        last_row = max(r for r, _ in self.cells)
        last_column = max(c for _, c in self.cells)
        for r in range(1, last_row + 1):
            self.sheet.append([self.cells.get((r, c)) for c in range(1, last_column + 1)])


def _summary(sheet, report: Report) -> None:
    p = report.proactive
    rows: list[list] = [[report.title], [report.proactive_paragraph], [], [texts.CHANNEL_HEADER, texts.CHART_COUNT]]
    # By channel first, as section 一 states them: the channels add up to the total.
    rows += [[channel, count] for channel, count in p.by_channel.items()]
    rows += [[texts.CHANNEL_TOTAL, p.total], [], [texts.CHART_TOPIC, texts.CHART_COUNT]]
    first = len(rows) + 1
    rows += [[topic, count] for topic, count in p.by_topic.items()]
    last = len(rows)
    if last >= first:
        chart = BarChart()
        chart.type = "bar"
        chart.title = texts.CHART_BY_TOPIC.format(year=report.year)
        chart.legend = None
        chart.add_data(Reference(sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        sheet.add_chart(chart, "E4")
    rows += [[], [texts.CHART_MONTH, texts.CHART_COUNT]]
    month_first = len(rows) + 1
    rows += [[month, count] for month, count in p.by_month.items()]
    chart = BarChart()
    chart.title = texts.CHART_BY_MONTH.format(year=report.year)
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=month_first - 1, max_row=len(rows)), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=month_first, max_row=len(rows)))
    sheet.add_chart(chart, "E22")
    # The 勾稽 results, as the Markdown and DOCX list them: a workbook must not hide a violation.
    rows += [[], [texts.CHECKS_HEADING]]
    rows += [[line] for line in violations(report.checks) or [texts.CHECKS_ALL_PASS]]
    rows += [[], [texts.FILING_CHECKS_HEADING]]
    rows += [[line] for line in report.warnings or [texts.FILING_CHECKS_ALL_PASS]]
    sheet.column_dimensions["A"].width = 16
    for row in rows:
        sheet.append(inert(sheet, row))


def _article20(grid: _Grid, report: Report) -> None:
    row = 1
    for block in article20_blocks(report.tables):
        grid.put(row, 1, block.heading, to=(row, 4), bold=True)
        grid.put(row + 1, 1, block.columns[0], bold=True)
        if len(block.columns) == 2:
            grid.put(row + 1, 2, block.columns[1], to=(row + 1, 4), bold=True)
        else:
            for i, label in enumerate(block.columns[1:], start=2):
                grid.put(row + 1, i, label, bold=True)
        for offset, (label, values) in enumerate(block.rows, start=2):
            grid.put(row + offset, 1, label)
            if len(values) == 1:
                grid.put(row + offset, 2, values[0], to=(row + offset, 4))
            else:
                for i, value in enumerate(values, start=2):
                    grid.put(row + offset, i, value)
        row += 2 + len(block.rows)
    grid.write({column: 22 for column in "ABCD"})


def _applications(grid: _Grid, report: Report) -> None:
    columns = application_column_labels()
    grid.put(1, 1, texts.APPLICATIONS_CORNER, to=(3, 3))
    grid.put(1, 4, texts.APPLICANT_HEADER, to=(1, 10), bold=True)
    grid.put(2, 4, columns[0], to=(3, 4))
    grid.put(2, 5, texts.APPLICANT_GROUP, to=(2, 9))
    for i, label in enumerate(columns[1:-1], start=5):
        grid.put(3, i, label)
    grid.put(2, 10, columns[-1], to=(3, 10))
    rows = application_rows(report.tables)
    results = [i for i, r in enumerate(rows) if r.outer]
    grid.put(4 + results[0], 1, texts.RESULTS, to=(4 + results[-1], 1))
    for i, r in enumerate(rows):
        at = 4 + i
        if r.group:
            members = [j for j, m in enumerate(rows) if m.group == r.group]
            if i == members[0]:
                grid.put(at, 2, r.group, to=(4 + members[-1], 2))
            grid.put(at, 3, r.label)
        else:
            grid.put(at, 2 if r.outer else 1, r.label, to=(at, 3))
        for k, value in enumerate(r.values, start=4):
            grid.put(at, k, value)
    grid.write({"A": 14, "B": 16, "C": 40})


def _appeals(grid: _Grid, report: Report) -> None:
    results = appeal_result_labels()
    kinds = list(texts.CASE_KINDS.values())
    grid.put(1, 1, texts.RECONSIDERATION, to=(1, 5), bold=True)
    grid.put(1, 6, texts.LITIGATION, to=(1, 15), bold=True)
    for i, label in enumerate(results, start=1):
        grid.put(2, i, label, to=(3, i))
    grid.put(2, 6, kinds[1], to=(2, 10))
    grid.put(2, 11, kinds[2], to=(2, 15))
    for i, label in enumerate(results * 2, start=6):
        grid.put(3, i, label)
    for i, value in enumerate(appeal_values(report.tables), start=1):
        grid.put(4, i, value)
    grid.write({})


def _ledger(sheet, entries: Iterable) -> None:
    """One row per ledger row, as they come from the query: nothing of them is kept."""
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["D"].width = 48
    sheet.freeze_panes = "A2"
    sheet.append(list(texts.LEDGER_COLUMNS))
    yes, no = texts.YES, texts.NO
    # A date cell gets openpyxl's yyyy-mm-dd format by itself: no styled cell per row is needed.
    for disclosed_on, channel, topic, title, url, source, guessed, deleted in entries:
        sheet.append(inert(sheet, [disclosed_on, channel, topic, title, url or "", ledger_texts.SOURCE_NAMES.get(source, source), yes if guessed else no,
                                   yes if deleted else no]))
