"""The checks a county office runs on a filed report before accepting it (county-checks.md B,
after KIROGOVCOMPARE and the data centres' quality rules), beside the six 勾稽 rules.

They are warnings, not errors: each can have a reason a checker accepts (a year with a new
law-enforcement team may well have five times last year's 行政处罚), so the report is
still written, with the warnings in every output for the secretary to settle before filing.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from publisher.texts import report as texts
from stats.queries import YearCounts

from .layout import appeal_values, application_rows, article20_blocks
from .tables import Tables

MIN_SECTION_FIVE_CHARS = 10
JUMP_RATIO = 5
# Sections of the template whose text is the report's prose (not the cover letter).
PROSE_SECTIONS = ("overview", "problems", "other")
# (key, pattern): the first number after a phrase, up to the clause's end (county-checks.md B)
_CLAUSE = r"[^，。；、\d]{0,20}?"
TEXT_FIGURES = (
    ("received", re.compile(rf"新收{_CLAUSE}(\d+)件")),
    ("carried_in", re.compile(rf"上年结转{_CLAUSE}(\d+)件")),
    ("carried_out", re.compile(rf"结转下年度(?:继续办理)?{_CLAUSE}(\d+)件")),
    ("reconsideration", re.compile(rf"行政复议{_CLAUSE}(\d+)件")),
    ("litigation", re.compile(rf"行政诉讼{_CLAUSE}(\d+)件")),
)


def filing_warnings(narrative: Mapping[str, Mapping[str, str]], tables: Tables, previous: Tables,
                    counts: YearCounts, previous_counts: YearCounts) -> list[str]:
    return [
        *section_five_warnings(narrative),
        *fee_warnings(narrative, tables),
        *year_on_year_warnings(tables, previous, counts, previous_counts),
        *blank_cell_warnings(tables),
        *text_figure_warnings(narrative, tables),
    ]


def section_five_warnings(narrative: Mapping[str, Mapping[str, str]]) -> list[str]:
    found = []
    for key, part in texts.FILING_SECTION_NAMES.items():
        text = narrative.get("problems", {}).get(key, "").strip()
        if text.rstrip("。.") == "无" or len(text) < MIN_SECTION_FIVE_CHARS:
            found.append(texts.PROBLEMS_TOO_SHORT.format(part=part, length=len(text)))
    return found


def fee_warnings(narrative: Mapping[str, Mapping[str, str]], tables: Tables) -> list[str]:
    fee = tables.article20.fee_wan
    other = narrative.get("other", {}).get("text", "").strip()
    says_none = other.rstrip("。.") == "无" or any(phrase in other for phrase in texts.NO_FEE_PHRASES)
    if fee > 0 and says_none:
        return [texts.FEE_BUT_NONE_CHARGED.format(fee=fee.normalize())]
    return []


def year_on_year_warnings(tables: Tables, previous: Tables, counts: YearCounts,
                          previous_counts: YearCounts) -> list[str]:
    """A figure more than five times last year's, or under a fifth of it (QR-007). A figure
    that was 0 last year has no ratio, and a year govpost knows nothing of counts as 0."""
    now, before = _figures(tables, counts), _figures(previous, previous_counts)
    found = []
    for name, current in now.items():
        last = before.get(name, 0)
        if last > 0 and (current > JUMP_RATIO * last or current * JUMP_RATIO < last):
            found.append(texts.YEAR_ON_YEAR_JUMP.format(figure=name, previous_year=previous.year, previous=_show(last),
                                                        year=tables.year, current=_show(current)))
    return found


def blank_cell_warnings(tables: Tables) -> list[str]:
    """A printed cell that is not a number (blank, 「/」, 「-」): the checkers parse it as
    missing. govpost counts every cell, so this guards the printed values themselves."""
    cells = [(texts.TABLE_NAMES["article20"], label, value)
             for block in article20_blocks(tables) for label, values in block.rows for value in values]
    cells += [(texts.TABLE_NAMES["applications"], row.label, value)
              for row in application_rows(tables) for value in row.values or ()]
    labels = [f"{kind}·{result}" for kind in texts.CASE_KINDS.values() for result in texts.CASE_RESULTS.values()]
    cells += [(texts.TABLE_NAMES["appeals"], label, value) for label, value in zip(labels, appeal_values(tables))]
    return [texts.CELL_NOT_A_NUMBER.format(table=table, row=row, value="" if value is None else value)
            for table, row, value in cells if not _is_number(value)]


def text_figure_warnings(narrative: Mapping[str, Mapping[str, str]], tables: Tables) -> list[str]:
    """The prose's 新收, 结转, 行政复议 and 行政诉讼 figures against the tables': they agree when
    the template's placeholders write them, and drift when someone typed a number over one."""
    rows, appeals = tables.applications.rows, tables.appeals.rows
    expected = {
        "received": rows["received"]["total"],
        "carried_in": rows["carried_in"]["total"],
        "carried_out": rows["carried_out"]["total"],
        "reconsideration": appeals["reconsideration"]["total"],
        "litigation": appeals["direct_suit"]["total"] + appeals["suit_after_reconsideration"]["total"],
    }
    found = []
    for section in PROSE_SECTIONS:
        for text in narrative.get(section, {}).values():
            for key, pattern in TEXT_FIGURES:
                for match in pattern.finditer(text):
                    if int(match.group(1)) != expected[key]:
                        found.append(texts.TEXT_FIGURE_MISMATCH.format(
                            phrase=match.group(0), table=texts.TEXT_FIGURE_TABLES[key], expected=expected[key]))
    return found


def _figures(t: Tables, counts: YearCounts) -> dict[str, int | Decimal]:
    names = texts.FIGURE_NAMES
    a = t.article20
    figures: dict[str, int | Decimal] = {names["proactive_total"]: counts.total}
    figures.update({names["channel"].format(channel=c): n for c, n in counts.by_channel.items()})
    rows = t.applications.rows
    figures[names["received"]] = rows["received"]["total"]
    figures[names["result_total"]] = rows["result_total"]["total"]
    for kind, row in a.documents.items():
        label = texts.ARTICLE20_KINDS[kind]
        figures[names["issued"].format(kind=label)] = row["issued"]
        figures[names["in_force"].format(kind=label)] = row["in_force"]
    for kind, n in a.decisions.items():
        figures[names["decision"].format(kind=texts.ARTICLE20_KINDS[kind])] = n
    figures[names["fee"]] = a.fee_wan
    for kind, row in t.appeals.rows.items():
        figures[names["appeal"].format(kind=texts.CASE_KINDS[kind])] = row["total"]
    return figures


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def _show(value: int | Decimal) -> str:
    return str(value.normalize()) if isinstance(value, Decimal) else str(value)
