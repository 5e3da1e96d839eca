"""The prose of sections 一, 五 and 六 in printed order, shared by the Markdown and DOCX forms."""
from __future__ import annotations

from publisher.texts import report as texts

from .build import Report


def overview_paragraphs(report: Report) -> list[tuple[str | None, str]]:
    """(run-in heading or None, text): township reports run （一）… into the paragraph."""
    o = report.narrative["overview"]
    h = {key: texts.RUN_IN_HEADING.format(heading=label) for key, label in texts.OVERVIEW_HEADINGS.items()}
    proactive = report.proactive_paragraph + o.get("proactive_extra", "")
    return [
        (None, o["intro"]),
        (h["proactive"], proactive),
        (h["on_request"], o["on_request"]),
        (h["management"], o["management"]),
        (h["platforms"], o["platforms"]),
        (h["supervision"], o["supervision"]),
    ]


def problems_paragraphs(report: Report) -> list[tuple[str | None, str]]:
    p = report.narrative["problems"]
    return [(p["problems_heading"], None), (None, p["problems"]), (p["improvements_heading"], None), (None, p["improvements"])]


def other_text(report: Report) -> str:
    return report.narrative["other"]["text"]


def intro(report: Report) -> str:
    return texts.INTRO.format(account=report.account_display_name, year=report.year)
