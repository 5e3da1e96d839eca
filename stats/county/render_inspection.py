"""The quarterly check in JSON and XLSX: one way through the plain values of inspection.py."""
from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from publisher.texts import inspection as texts

if TYPE_CHECKING:  # the types only: importing them loads SQLAlchemy
    from .inspection import AccountInspection, CountyInspection

FORMATS = ("json", "xlsx")


def render(inspection: CountyInspection, fmt: str) -> bytes:
    return {"json": render_json, "xlsx": render_xlsx}[fmt](inspection)


def _gap_span(account: AccountInspection) -> str:
    if not account.longest_gap_days:
        return texts.GAP_NONE
    return f"{account.longest_gap_from.isoformat()} — {account.longest_gap_until.isoformat()}"


def inspection_dict(inspection: CountyInspection) -> dict:
    return {
        "quarter": inspection.quarter.label,
        "title": texts.TITLE.format(quarter=inspection.quarter.label),
        "first_day": inspection.quarter.first_day.isoformat(),
        "checked_through": inspection.checked_through.isoformat(),
        "gap_days": inspection.gap_days,
        "reply_days": inspection.reply_days,
        "accounts": [
            {
                "account": a.account_name,
                "display_name": a.display_name,
                "passed": a.passed,
                "verdict": texts.PASSED if a.passed else texts.FAILED,
                "reasons": a.reasons,
                "articles": a.articles,
                "longest_gap_days": a.longest_gap_days,
                "longest_gap_from": a.longest_gap_from.isoformat() if a.longest_gap_days else None,
                "longest_gap_until": a.longest_gap_until.isoformat() if a.longest_gap_days else None,
                "veto": a.veto,
                "messages": a.messages,
                "messages_overdue": a.messages_overdue,
                "articles_with_findings": a.articles_with_findings,
                "articles_without_footer": a.articles_without_footer,
                "articles_footer_incomplete": a.articles_footer_incomplete,
                "articles_not_checkable": a.articles_not_checkable,
                "details": [
                    {"title": d.title, "published_on": d.published_on.isoformat(), "rule": d.rule,
                     "rule_name": texts.RULES[d.rule], "detail": d.detail, "failing": d.failing}
                    for d in a.details
                ],
            }
            for a in inspection.accounts
        ],
        "failed_accounts": [a.account_name for a in inspection.failed],
    }


def render_json(inspection: CountyInspection) -> bytes:
    return json.dumps(inspection_dict(inspection), ensure_ascii=False, indent=2).encode("utf-8")


def summary_grid(inspection: CountyInspection) -> list[list]:
    """The first sheet: a header and one row per account."""
    grid: list[list] = [list(texts.COLUMNS)]
    for a in inspection.accounts:
        grid.append([
            a.account_name, a.display_name, texts.PASSED if a.passed else texts.FAILED, a.articles,
            a.longest_gap_days, _gap_span(a), texts.VETO_YES if a.veto else texts.VETO_NO, a.messages,
            a.messages_overdue, a.articles_with_findings, a.articles_without_footer, a.articles_footer_incomplete,
            a.articles_not_checkable, "；".join(a.reasons) or texts.NONE,
        ])
    return grid


def details_grid(inspection: CountyInspection) -> list[list]:
    grid: list[list] = [list(texts.DETAIL_COLUMNS)]
    for a in inspection.accounts:
        for d in a.details:
            grid.append([a.account_name, a.display_name, d.title, d.published_on.isoformat(), texts.RULES[d.rule],
                         d.detail, texts.FAILING if d.failing else texts.NOTED])
    return grid


def render_xlsx(inspection: CountyInspection) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = texts.SHEET_SUMMARY
    summary.append([texts.TITLE.format(quarter=inspection.quarter.label)])
    summary.append([texts.CHECKED_THROUGH.format(first=inspection.quarter.first_day.isoformat(),
                                                 last=inspection.checked_through.isoformat())])
    for row in summary_grid(inspection):
        summary.append(row)
    summary["A1"].font = Font(bold=True, size=14)
    for cell in summary[3]:
        cell.font = Font(bold=True)
    details = book.create_sheet(texts.SHEET_DETAILS)
    for row in details_grid(inspection):
        details.append(row)
    for cell in details[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
