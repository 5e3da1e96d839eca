"""The JSON form: the keys of SPEC §7 (year, account, proactive.*, checks) and the tables, the
cover letter's fields and the county office's warnings."""
from __future__ import annotations

import json
from decimal import Decimal

from .build import Report
from .layout import format_amount


def report_dict(report: Report) -> dict:
    p = report.proactive
    t = report.tables
    return {
        "year": report.year,
        "account": report.account_name,
        "account_display_name": report.account_display_name,
        "title": report.title,
        "cover_letter": report.cover_letter.as_dict(),
        "proactive": {
            "total": p.total,
            "by_channel": p.by_channel,
            "by_topic": p.by_topic,
            "by_month": p.by_month,
            "wechat_by_topic": p.wechat_by_topic,
            "deleted": p.deleted,
            "guessed_topics": p.guessed,
            "paragraph": report.proactive_paragraph,
        },
        "article20": {
            "documents": t.article20.documents,
            "decisions": t.article20.decisions,
            "fee_wan": _number(format_amount(t.article20.fee_wan)),
        },
        "applications": t.applications.rows,
        "appeals": t.appeals.rows,
        "narrative": report.narrative,
        "checks": [c.as_dict() for c in report.checks],
        "warnings": report.warnings,
    }


def render_json(report: Report) -> bytes:
    return json.dumps(report_dict(report), ensure_ascii=False).encode("utf-8")


def _number(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else float(value)
