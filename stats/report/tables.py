"""Tables 二, 三 and 四 of a year, counted from the registers.

Every figure is derived from dated rows, except what `RegisterOpening` supplies for a year:
documents in force on 1 January and applications carried over, which the registers of a
township that started with govpost mid-way cannot know. Totals are stored, not recomputed
by readers, so that the checks see exactly what is printed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from publisher.models import AppealCase, Article20Entry, DisclosureApplication, RegisterOpening
from publisher.core.registers import APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OUTCOMES

APPLICATION_COLUMNS = APPLICANT_TYPES + ("total",)
CASE_COLUMNS = CASE_RESULTS + ("pending", "total")


@dataclass
class Article20Table:
    documents: dict[str, dict[str, int]]  # regulation|normative → issued, repealed, in_force
    decisions: dict[str, int]  # licensing, penalty, enforcement
    fee_wan: Decimal


@dataclass
class ApplicationsTable:
    rows: dict[str, dict[str, int]]  # received, carried_in, <22 outcomes>, result_total, carried_out


@dataclass
class AppealsTable:
    rows: dict[str, dict[str, int]]  # reconsideration|direct_suit|suit_after_reconsideration → columns


@dataclass
class Tables:
    year: int
    article20: Article20Table
    applications: ApplicationsTable
    appeals: AppealsTable
    # Whether govpost has anything for the year before; cross-year rules need it.
    previous_documents_known: dict[str, bool]
    previous_applications_known: bool


@dataclass
class Registers:
    """An account's register rows, read once and counted for any year."""

    article20: list[Article20Entry]
    applications: list[DisclosureApplication]
    cases: list[AppealCase]
    openings: list[RegisterOpening]

    @classmethod
    def load(cls, session: Session, account_id: int, up_to_year: int) -> "Registers":
        params = {"account_id": account_id, "end": date(up_to_year, 12, 31), "year": up_to_year}
        # Most townships have no applications, cases or documents in a year: one probe then.
        if not session.connection().execute(_ANY_REGISTER_ROW, params).scalar():
            return cls([], [], [], [])
        return cls(*(list(session.scalars(statement, params)) for statement in _REGISTER_QUERIES))

    def opening(self, year: int, key: str) -> int | None:
        return next((o.value for o in self.openings if o.year == year and o.key == key), None)


def _rows_until(model, day_column):
    return select(model).where(model.account_id == bindparam("account_id"), day_column <= bindparam("end"))


_REGISTER_QUERIES = (
    _rows_until(Article20Entry, Article20Entry.occurred_on),
    _rows_until(DisclosureApplication, DisclosureApplication.received_on),
    _rows_until(AppealCase, AppealCase.filed_on),
    select(RegisterOpening).where(RegisterOpening.account_id == bindparam("account_id"),
                                  RegisterOpening.year <= bindparam("year")),
)

_ANY_REGISTER_ROW = select(or_(*(
    exists().where(model.account_id == bindparam("account_id"))
    for model in (Article20Entry, DisclosureApplication, AppealCase, RegisterOpening)
)))


def build_tables(registers: Registers, year: int) -> Tables:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Tables(
        year=year,
        article20=_article20(registers, year),
        applications=_applications(registers, year, start, end),
        appeals=_appeals(registers, start, end),
        previous_documents_known={
            kind: any(e.kind == kind and e.occurred_on < start for e in registers.article20)
            or any(o.key == f"in_force:{kind}" and o.year < year for o in registers.openings)
            for kind in ("regulation", "normative")
        },
        previous_applications_known=any(a.received_on < start for a in registers.applications)
        or any(o.key.startswith("carried_in:") and o.year < year for o in registers.openings),
    )


def in_force(registers: Registers, kind: str, year: int) -> int:
    """Documents in force on 31 December: the latest opening figure plus what changed since."""
    openings = {o.year: o.value for o in registers.openings if o.key == f"in_force:{kind}" and o.year <= year}
    base_year = max(openings, default=None)
    since = date(base_year, 1, 1) if base_year is not None else date.min
    net = sum(
        e.quantity if e.action == "issued" else -e.quantity
        for e in registers.article20
        if e.kind == kind and since <= e.occurred_on <= date(year, 12, 31)
    )
    return (openings[base_year] if base_year is not None else 0) + net


def _article20(registers: Registers, year: int) -> Article20Table:
    this_year = [e for e in registers.article20 if e.occurred_on.year == year]
    documents = {
        kind: {
            "issued": sum(e.quantity for e in this_year if e.kind == kind and e.action == "issued"),
            "repealed": sum(e.quantity for e in this_year if e.kind == kind and e.action == "repealed"),
            "in_force": in_force(registers, kind, year),
        }
        for kind in ("regulation", "normative")
    }
    decisions = {
        kind: sum(e.quantity for e in this_year if e.kind == kind)
        for kind in ("licensing", "penalty", "enforcement")
    }
    fee = sum((e.amount_wan or Decimal(0) for e in this_year if e.kind == "fee"), Decimal(0))
    return Article20Table(documents, decisions, fee)


def _applications(registers: Registers, year: int, start: date, end: date) -> ApplicationsTable:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(APPLICATION_COLUMNS, 0))
    for application in registers.applications:
        if application.received_on > end:
            continue
        column = application.applicant_type
        closed = application.closed_on
        if start <= application.received_on <= end:
            rows["received"][column] += 1
        if application.received_on < start and (closed is None or closed >= start):
            rows["carried_in"][column] += 1
        if closed is not None and start <= closed <= end:
            rows[application.outcome][column] += 1
        if closed is None or closed > end:
            rows["carried_out"][column] += 1
    for column in APPLICANT_TYPES:
        opening = registers.opening(year, f"carried_in:{column}")
        if opening is not None:
            rows["carried_in"][column] = opening
    for column in APPLICANT_TYPES:
        rows["result_total"][column] = sum(rows[outcome][column] for outcome in OUTCOMES)
    ordered = {key: rows[key] for key in ("received", "carried_in", *OUTCOMES, "result_total", "carried_out")}
    for row in ordered.values():
        row["total"] = sum(row[c] for c in APPLICANT_TYPES)
    return ApplicationsTable(ordered)


def _appeals(registers: Registers, start: date, end: date) -> AppealsTable:
    rows = {kind: dict.fromkeys(CASE_COLUMNS, 0) for kind in CASE_KINDS}
    for case in registers.cases:
        if case.filed_on > end:
            continue
        if case.closed_on is not None and start <= case.closed_on <= end:
            rows[case.kind][case.result] += 1
        elif case.closed_on is None or case.closed_on > end:
            rows[case.kind]["pending"] += 1
    for row in rows.values():
        row["total"] = sum(row[c] for c in CASE_COLUMNS if c != "total")
    return AppealsTable(rows)
