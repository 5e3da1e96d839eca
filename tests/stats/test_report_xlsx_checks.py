"""The XLSX lists the 勾稽 results, as the Markdown and DOCX do: a workbook never hides a violation."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from publisher.db import transaction
from publisher.services.audit import CLI
from publisher.services.registers import add_article20, set_opening
from stats.report.build import build_report
from stats.report.render import render


def workbook_text(runtime, account) -> str:
    with runtime.session_factory() as session:
        report = build_report(session, account, 2024, settings=runtime.settings, with_entries=True)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    return "\n".join(str(cell) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


def test_xlsx_lists_a_failed_rule_with_its_numbers(runtime, account):
    with transaction(runtime.session_factory) as s:
        common = dict(account_id=account.id, actor=CLI, clock=runtime.clock)
        set_opening(s, year=2023, key="in_force:normative", value=5, **common)
        add_article20(s, kind="normative", action="issued", occurred_on=date(2023, 4, 1), **common)
        set_opening(s, year=2024, key="in_force:normative", value=9, **common)
    text = workbook_text(runtime, account)
    assert "规则5（表二：本年现行有效件数等于上年现行有效件数加本年制发减本年废止）不成立" in text
    assert "2023年现行有效6件" in text


def test_xlsx_says_when_every_rule_holds(runtime, account):
    assert "勾稽关系核对：全部通过。" in workbook_text(runtime, account)
