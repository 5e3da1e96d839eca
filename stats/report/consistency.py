"""The six consistency rules (勾稽关系) that county checkers apply, over printed figures.

Figures counted from the registers satisfy most rules by construction; they are checked all
the same, because openings typed in by hand, and last year's figures, can disagree with
them, and a report must say so rather than hide it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from publisher.core.registers import APPLICANT_TYPES, OUTCOMES
from publisher.texts import report as texts

from .tables import APPLICATION_COLUMNS, CASE_COLUMNS, Tables


@dataclass(frozen=True)
class Check:
    rule: int
    name: str
    status: str  # "pass" | "fail" | "skipped" (a cross-year rule with no previous year in govpost)
    violations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "name": self.name, "status": self.status, "violations": self.violations}


def check_tables(current: Tables, previous: Tables | None) -> list[Check]:
    return [
        _check(1, _rule1(current)),
        _check(2, _rule2(current)),
        _check(3, _rule3(current)),
        _check(4, _rule4(current, previous), skipped=previous is None or not current.previous_applications_known),
        _check(5, _rule5(current, previous), skipped=previous is None or not any(current.previous_documents_known.values())),
        _check(6, _rule6(current)),
    ]


def violations(checks: list[Check]) -> list[str]:
    return [
        texts.CHECK_FAILED_LINE.format(rule=c.rule, name=c.name, detail=v)
        for c in checks for v in c.violations
    ]


def _check(rule: int, found: list[str], skipped: bool = False) -> Check:
    if skipped:
        return Check(rule, texts.RULE_NAMES[rule], "skipped")
    return Check(rule, texts.RULE_NAMES[rule], "fail" if found else "pass", found)


def _column_label(column: str) -> str:
    return texts.APPLICANT_COLUMNS[column]


def _rule1(t: Tables) -> list[str]:
    rows = t.applications.rows
    found = []
    for column in APPLICATION_COLUMNS:
        left = rows["received"][column] + rows["carried_in"][column]
        right = rows["result_total"][column] + rows["carried_out"][column]
        if left != right:
            found.append(texts.RULE1_DETAIL.format(
                column=_column_label(column), received=rows["received"][column], carried_in=rows["carried_in"][column],
                left=left, total=rows["result_total"][column], carried_out=rows["carried_out"][column], right=right))
    return found


def _rule2(t: Tables) -> list[str]:
    rows = t.applications.rows
    found = []
    for column in APPLICATION_COLUMNS:
        parts = sum(rows[o][column] for o in OUTCOMES)
        if rows["result_total"][column] != parts:
            found.append(texts.RULE2_DETAIL.format(column=_column_label(column), total=rows["result_total"][column], sum=parts))
    return found


def _rule3(t: Tables) -> list[str]:
    found = []
    labels = {key: label for _, rows in texts.OUTCOME_GROUPS for key, label in rows}
    labels.update(received=texts.RECEIVED, carried_in=texts.CARRIED_IN, result_total=texts.RESULT_TOTAL,
                  carried_out=texts.CARRIED_OUT)
    for key, row in t.applications.rows.items():
        parts = sum(row[c] for c in APPLICANT_TYPES)
        if row["total"] != parts:
            found.append(texts.RULE3_DETAIL.format(row=labels[key], total=row["total"], sum=parts))
    return found


def _rule4(t: Tables, previous: Tables | None) -> list[str]:
    if previous is None:
        return []
    found = []
    for column in APPLICATION_COLUMNS:
        carried_in = t.applications.rows["carried_in"][column]
        carried_out = previous.applications.rows["carried_out"][column]
        if carried_in != carried_out:
            found.append(texts.RULE4_DETAIL.format(column=_column_label(column), year=t.year, carried_in=carried_in,
                                                   previous=previous.year, carried_out=carried_out))
    return found


def _rule5(t: Tables, previous: Tables | None) -> list[str]:
    if previous is None:
        return []
    found = []
    for kind, row in t.article20.documents.items():
        if not t.previous_documents_known.get(kind, True):
            continue
        before = previous.article20.documents[kind]["in_force"]
        expected = before + row["issued"] - row["repealed"]
        if row["in_force"] != expected:
            found.append(texts.RULE5_DETAIL.format(
                kind=texts.ARTICLE20_KINDS[kind], year=t.year, in_force=row["in_force"], previous=previous.year,
                previous_in_force=before, issued=row["issued"], repealed=row["repealed"], expected=expected))
    return found


def _rule6(t: Tables) -> list[str]:
    found = []
    for kind, row in t.appeals.rows.items():
        parts = sum(row[c] for c in CASE_COLUMNS if c != "total")
        if row["total"] != parts:
            found.append(texts.RULE6_DETAIL.format(kind=texts.CASE_KINDS[kind], total=row["total"], sum=parts))
    return found
