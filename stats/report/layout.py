"""The printed order of the national tables: which label goes in which row, for every format."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from publisher.texts import report as texts

from .tables import APPLICATION_COLUMNS, CASE_COLUMNS, Tables

APPLICANT_ORGANISATIONS = ("business", "research", "public_interest", "legal_service", "other")


@dataclass(frozen=True)
class Block:
    """One of the four small tables of section 二: a heading row, a column-label row, rows."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int | Decimal, ...]], ...]


def article20_blocks(t: Tables) -> list[Block]:
    a = t.article20
    docs = tuple(
        (texts.ARTICLE20_KINDS[k], (a.documents[k]["issued"], a.documents[k]["repealed"], a.documents[k]["in_force"]))
        for k in ("regulation", "normative")
    )
    return [
        Block(texts.ARTICLE20_GROUPS["item1"], (texts.INFO_CONTENT, texts.ISSUED, texts.REPEALED, texts.IN_FORCE), docs),
        Block(texts.ARTICLE20_GROUPS["item5"], (texts.INFO_CONTENT, texts.DECISIONS),
              ((texts.ARTICLE20_KINDS["licensing"], (a.decisions["licensing"],)),)),
        Block(texts.ARTICLE20_GROUPS["item6"], (texts.INFO_CONTENT, texts.DECISIONS),
              ((texts.ARTICLE20_KINDS["penalty"], (a.decisions["penalty"],)),
               (texts.ARTICLE20_KINDS["enforcement"], (a.decisions["enforcement"],)))),
        Block(texts.ARTICLE20_GROUPS["item8"], (texts.INFO_CONTENT, texts.FEE_AMOUNT),
              ((texts.ARTICLE20_KINDS["fee"], (format_amount(a.fee_wan),)),)),
    ]


def format_amount(amount: Decimal) -> Decimal | int:
    """万元 as a secretary writes it: 0 rather than 0.0000, 1.25 rather than 1.2500."""
    normal = amount.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


@dataclass(frozen=True)
class ApplicationRow:
    """A row of table 三: `outer` is 三、本年度办理结果 for results, `group` （三）…（六） or None,
    `label` the row's own label, `values` None for a group heading without numbers."""

    key: str | None
    outer: str | None
    group: str | None
    label: str
    values: tuple[int, ...] | None


def application_rows(t: Tables) -> list[ApplicationRow]:
    rows = t.applications.rows

    def values(key: str) -> tuple[int, ...]:
        return tuple(rows[key][c] for c in APPLICATION_COLUMNS)

    out = [
        ApplicationRow("received", None, None, texts.RECEIVED, values("received")),
        ApplicationRow("carried_in", None, None, texts.CARRIED_IN, values("carried_in")),
    ]
    for group, members in texts.OUTCOME_GROUPS:
        for key, label in members:
            out.append(ApplicationRow(key, texts.RESULTS, group, label, values(key)))
    out.append(ApplicationRow("result_total", texts.RESULTS, None, texts.RESULT_TOTAL, values("result_total")))
    out.append(ApplicationRow("carried_out", None, None, texts.CARRIED_OUT, values("carried_out")))
    return out


def application_column_labels() -> tuple[str, ...]:
    return tuple(texts.APPLICANT_COLUMNS[c] for c in APPLICATION_COLUMNS)


def appeal_values(t: Tables) -> tuple[int, ...]:
    """The one data row of table 四: 15 numbers, 复议 then 直接起诉 then 复议后起诉."""
    return tuple(t.appeals.rows[kind][c] for kind in texts.CASE_KINDS for c in CASE_COLUMNS)


def appeal_result_labels() -> tuple[str, ...]:
    return tuple(texts.CASE_RESULTS[c] for c in CASE_COLUMNS)
