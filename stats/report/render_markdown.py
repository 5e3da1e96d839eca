"""The Markdown form, for reading on screen and in review: same order and labels as print,
the cover letter first."""
from __future__ import annotations

from publisher.texts import report as texts

from .build import Report
from .consistency import violations
from .cover_letter import CoverLetter
from .layout import appeal_result_labels, appeal_values, application_column_labels, application_rows, article20_blocks
from .outline import intro, other_text, overview_paragraphs, problems_paragraphs


def render_markdown(report: Report) -> bytes:
    lines = _cover_letter(report.cover_letter) + ["---", ""]
    lines += [f"# {report.title}", "", intro(report), ""]
    s = texts.SECTION_TITLES
    lines += [f"## {s['overview']}", ""]
    lines += [f"{heading or ''}{text}\n" for heading, text in overview_paragraphs(report)]
    lines += [f"## {s['proactive']}", ""]
    for block in article20_blocks(report.tables):
        lines += [_row((block.heading,) + ("",) * (len(block.columns) - 1)), _rule(len(block.columns)),
                  _row(block.columns)]
        lines += [_row((label,) + values) for label, values in block.rows]
        lines.append("")
    lines += [f"## {s['applications']}", "", texts.APPLICATIONS_CORNER, ""]
    columns = list(application_column_labels())
    columns[1:-1] = [f"{texts.APPLICANT_GROUP}·{c}" for c in columns[1:-1]]
    lines += [_row((texts.APPLICANT_HEADER, "", *columns)), _rule(len(columns) + 2)]
    group = None
    for row in application_rows(report.tables):
        if row.group and row.group != group:
            lines.append(_row((row.outer, row.group) + ("",) * len(columns)))
        group = row.group
        lines.append(_row((row.outer or "", row.label, *row.values)))
    lines += ["", f"## {s['appeals']}", ""]
    results = appeal_result_labels()
    kinds = [texts.RECONSIDERATION] + [f"{texts.LITIGATION}·{k}" for k in list(texts.CASE_KINDS.values())[1:]]
    heads = [f"{kind}·{r}" for kind in kinds for r in results]
    lines += [_row(heads), _rule(len(heads)), _row(appeal_values(report.tables)), ""]
    lines += [f"## {s['problems']}", ""]
    lines += [f"{heading}\n" if heading else f"{text}\n" for heading, text in problems_paragraphs(report)]
    lines += [f"## {s['other']}", "", other_text(report), ""]
    lines += [f"## {texts.CHECKS_HEADING}", ""]
    found = violations(report.checks)
    lines += [f"- {v}" for v in found] if found else [texts.CHECKS_ALL_PASS]
    lines += ["", f"## {texts.FILING_CHECKS_HEADING}", ""]
    lines += [f"- {w}" for w in report.warnings] if report.warnings else [texts.FILING_CHECKS_ALL_PASS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cover_letter(letter: CoverLetter) -> list[str]:
    """The 上报函 as it prints: 文号, title (issuer first), addressee, sentence, issuer and date."""
    return [letter.doc_number, "", f"# {letter.issuer}{letter.title}", "",
            letter.addressee, "", letter.body, "", letter.issuer, "", letter.date_text, ""]


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _rule(n: int) -> str:
    return "|" + "---|" * n
