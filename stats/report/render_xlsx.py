"""The XLSX form: one sheet per national table (merged header cells as printed), the counts
of section 一 with a native bar chart, the ledger rows of the year for checking by hand; the
summary sheet ends with the result of the 勾稽 checks."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side

from publisher.texts import reach as reach_texts
from publisher.texts import report as texts

from .build import Report
from .consistency import violations
from .layout import appeal_result_labels, appeal_values, application_column_labels, application_rows, article20_blocks
from .render_reach import reads_sheet

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def render_xlsx(report: Report) -> bytes:
    book = Workbook()
    _summary(book.active, report)
    _article20(book.create_sheet(texts.TABLE_SHEETS["proactive"]), report)
    _applications(book.create_sheet(texts.TABLE_SHEETS["applications"]), report)
    _appeals(book.create_sheet(texts.TABLE_SHEETS["appeals"]), report)
    _ledger(book.create_sheet(texts.LEDGER_SHEET), report)
    reads_sheet(book.create_sheet(reach_texts.SHEET_READS), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(sheet, row: int, column: int, value, *, to: tuple[int, int] | None = None, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if to:
        sheet.merge_cells(start_row=row, start_column=column, end_row=to[0], end_column=to[1])
        for r in range(row, to[0] + 1):
            for c in range(column, to[1] + 1):
                sheet.cell(row=r, column=c).border = BOX
    cell.border, cell.alignment = BOX, CENTRE
    if bold:
        cell.font = Font(bold=True)


def _summary(sheet, report: Report) -> None:
    sheet.title = texts.SUMMARY_SHEET
    p = report.proactive
    sheet.append([report.title])
    sheet.append([report.proactive_paragraph])
    sheet.append([])
    sheet.append([texts.CHART_TOPIC, texts.CHART_COUNT])
    first = sheet.max_row + 1
    for topic, count in p.by_topic.items():
        sheet.append([topic, count])
    last = sheet.max_row
    if last >= first:
        chart = BarChart()
        chart.type = "bar"
        chart.title = texts.CHART_BY_TOPIC.format(year=report.year)
        chart.legend = None
        chart.add_data(Reference(sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        sheet.add_chart(chart, "E4")
    sheet.append([])
    sheet.append([texts.CHART_MONTH, texts.CHART_COUNT])
    month_first = sheet.max_row + 1
    for month, count in p.by_month.items():
        sheet.append([month, count])
    chart = BarChart()
    chart.title = texts.CHART_BY_MONTH.format(year=report.year)
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=month_first - 1, max_row=sheet.max_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=month_first, max_row=sheet.max_row))
    sheet.add_chart(chart, "E22")
    sheet.column_dimensions["A"].width = 16
    # The 勾稽 results, as the Markdown and DOCX list them: a workbook must not hide a violation.
    sheet.append([])
    sheet.append([texts.CHECKS_HEADING])
    for line in violations(report.checks) or [texts.CHECKS_ALL_PASS]:
        sheet.append([line])


def _article20(sheet, report: Report) -> None:
    row = 1
    for block in article20_blocks(report.tables):
        _put(sheet, row, 1, block.heading, to=(row, 4), bold=True)
        _put(sheet, row + 1, 1, block.columns[0], bold=True)
        if len(block.columns) == 2:
            _put(sheet, row + 1, 2, block.columns[1], to=(row + 1, 4), bold=True)
        else:
            for i, label in enumerate(block.columns[1:], start=2):
                _put(sheet, row + 1, i, label, bold=True)
        for offset, (label, values) in enumerate(block.rows, start=2):
            _put(sheet, row + offset, 1, label)
            if len(values) == 1:
                _put(sheet, row + offset, 2, values[0], to=(row + offset, 4))
            else:
                for i, value in enumerate(values, start=2):
                    _put(sheet, row + offset, i, value)
        row += 2 + len(block.rows)
    for column in "ABCD":
        sheet.column_dimensions[column].width = 22


def _applications(sheet, report: Report) -> None:
    columns = application_column_labels()
    _put(sheet, 1, 1, texts.APPLICATIONS_CORNER, to=(3, 3))
    _put(sheet, 1, 4, texts.APPLICANT_HEADER, to=(1, 10), bold=True)
    _put(sheet, 2, 4, columns[0], to=(3, 4))
    _put(sheet, 2, 5, texts.APPLICANT_GROUP, to=(2, 9))
    for i, label in enumerate(columns[1:-1], start=5):
        _put(sheet, 3, i, label)
    _put(sheet, 2, 10, columns[-1], to=(3, 10))
    rows = application_rows(report.tables)
    results = [i for i, r in enumerate(rows) if r.outer]
    _put(sheet, 4 + results[0], 1, texts.RESULTS, to=(4 + results[-1], 1))
    for i, r in enumerate(rows):
        at = 4 + i
        if r.group:
            members = [j for j, m in enumerate(rows) if m.group == r.group]
            if i == members[0]:
                _put(sheet, at, 2, r.group, to=(4 + members[-1], 2))
            _put(sheet, at, 3, r.label)
        else:
            _put(sheet, at, 2 if r.outer else 1, r.label, to=(at, 3))
        for k, value in enumerate(r.values, start=4):
            _put(sheet, at, k, value)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 40


def _appeals(sheet, report: Report) -> None:
    results = appeal_result_labels()
    kinds = list(texts.CASE_KINDS.values())
    _put(sheet, 1, 1, texts.RECONSIDERATION, to=(1, 5), bold=True)
    _put(sheet, 1, 6, texts.LITIGATION, to=(1, 15), bold=True)
    for i, label in enumerate(results, start=1):
        _put(sheet, 2, i, label, to=(3, i))
    _put(sheet, 2, 6, kinds[1], to=(2, 10))
    _put(sheet, 2, 11, kinds[2], to=(2, 15))
    for i, label in enumerate(results * 2, start=6):
        _put(sheet, 3, i, label)
    for i, value in enumerate(appeal_values(report.tables), start=1):
        _put(sheet, 4, i, value)


def _ledger(sheet, report: Report) -> None:
    sheet.append(list(texts.LEDGER_COLUMNS))
    for entry in report.entries:
        sheet.append([
            entry.disclosed_on, entry.channel, entry.topic, entry.title, entry.url or "", entry.source,
            texts.YES if entry.topic_guessed else texts.NO, texts.YES if entry.deleted_at else texts.NO,
        ])
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["D"].width = 48
    sheet.freeze_panes = "A2"
