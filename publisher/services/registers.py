"""Entering the registers of report sections 二, 三 and 四; each write is audited.

The vocabularies (kinds, applicant types, the 22 outcomes, case results) are the national
format's rows and columns, keyed in English; their labels are in `publisher.texts.report`.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from publisher.services.audit import Actor, record
from publisher.core.clock import Clock
from publisher.core.registers import (
    ACTION_LABELS, ACTIONS_BY_KIND, APPLICANT_LABELS, APPLICANT_TYPES, CASE_KIND_LABELS, CASE_KINDS, CASE_RESULT_LABELS,
    CASE_RESULTS, KIND_LABELS, OPENING_KEYS, OPENING_LABELS, OUTCOME_LABELS, OUTCOMES,
)
from publisher.errors import Refusal
from publisher.models import AppealCase, Article20Entry, AuditEntry, DisclosureApplication, RegisterOpening
from publisher.texts import ledger as texts

MAX_AMOUNT_WAN = Decimal(10) ** 10  # the column holds 14 digits, 4 after the point
MAX_TEXT = 200  # titles and subjects: the columns' length
# Each kind's audit actions start so: "register.case", "register.case_closed", "register.case_edited".
REGISTER_AUDIT_PREFIX = {Article20Entry: "register.article20", DisclosureApplication: "register.application",
                         AppealCase: "register.case"}


class RegisterError(Refusal):
    """A register entry a person gave is not valid; the message says why, in Chinese."""


def _short(text: str, field: str) -> None:
    if len(text) > MAX_TEXT:
        raise RegisterError(texts.TEXT_TOO_LONG.format(field=field, limit=MAX_TEXT, length=len(text)))


def _choose(value: str, choices, message: str, **extra) -> str:
    if value not in choices:
        raise RegisterError(message.format(value=value, choices="、".join(choices), **extra))
    return value


def _check_article20(kind: str, action: str, quantity: int, amount_wan: Decimal | None, title: str) -> None:
    if kind not in ACTIONS_BY_KIND:
        raise RegisterError(texts.UNKNOWN_KIND.format(kind=kind, choices="、".join(ACTIONS_BY_KIND)))
    if action not in ACTIONS_BY_KIND[kind]:
        raise RegisterError(texts.UNKNOWN_ACTION.format(kind=kind, action=action, choices="、".join(ACTIONS_BY_KIND[kind])))
    if quantity < 1:
        raise RegisterError(texts.QUANTITY_POSITIVE)
    if kind == "fee" and amount_wan is None:
        raise RegisterError(texts.AMOUNT_REQUIRED)
    if kind != "fee" and amount_wan is not None:
        raise RegisterError(texts.AMOUNT_ONLY_FOR_FEE)
    if amount_wan is not None and not (amount_wan.is_finite() and 0 <= amount_wan < MAX_AMOUNT_WAN):
        raise RegisterError(texts.AMOUNT_INVALID.format(value=amount_wan))
    _short(title, texts.FIELD_TITLE)


def add_article20(
    session: Session, *, account_id: int, kind: str, action: str, occurred_on: date, quantity: int = 1,
    amount_wan: Decimal | None = None, title: str = "", actor: Actor, clock: Clock,
) -> Article20Entry:
    _check_article20(kind, action, quantity, amount_wan, title)
    entry = Article20Entry(
        account_id=account_id, kind=kind, action=action, occurred_on=occurred_on, quantity=quantity,
        amount_wan=amount_wan, title=title, created_by=actor.label, created_at=clock.now(),
    )
    return _audited(session, entry, "register.article20", actor, clock)


def add_application(
    session: Session, *, account_id: int, applicant_type: str, received_on: date, subject: str = "",
    outcome: str | None = None, closed_on: date | None = None, actor: Actor, clock: Clock,
) -> DisclosureApplication:
    _choose(applicant_type, APPLICANT_TYPES, texts.UNKNOWN_APPLICANT)
    _short(subject, texts.FIELD_SUBJECT)
    application = DisclosureApplication(
        account_id=account_id, applicant_type=applicant_type, received_on=received_on, subject=subject,
        created_by=actor.label, created_at=clock.now(),
    )
    _audited(session, application, "register.application", actor, clock)
    if outcome is not None or closed_on is not None:
        close_application(session, application, outcome=outcome, closed_on=closed_on, actor=actor, clock=clock)
    return application


def close_application(
    session: Session, application: DisclosureApplication, *, outcome: str | None, closed_on: date | None,
    actor: Actor, clock: Clock,
) -> DisclosureApplication:
    """Record how an application ended: an outcome row of table 三 and the day, always together."""
    if outcome is None or closed_on is None:
        raise RegisterError(texts.CLOSED_NEEDS_OUTCOME)
    _choose(outcome, OUTCOMES, texts.UNKNOWN_OUTCOME)
    if closed_on < application.received_on:
        raise RegisterError(texts.CLOSED_BEFORE_OPENED.format(closed=closed_on, opened=application.received_on))
    application.outcome, application.closed_on = outcome, closed_on
    record(session, account_id=application.account_id, actor=actor, action="register.application_closed",
           at=clock.now(), detail={"id": application.id, "outcome": outcome, "closed_on": closed_on.isoformat()})
    return application


def add_case(
    session: Session, *, account_id: int, kind: str, filed_on: date, subject: str = "",
    result: str | None = None, closed_on: date | None = None, actor: Actor, clock: Clock,
) -> AppealCase:
    _choose(kind, CASE_KINDS, texts.UNKNOWN_CASE_KIND)
    _short(subject, texts.FIELD_SUBJECT)
    case = AppealCase(account_id=account_id, kind=kind, filed_on=filed_on, subject=subject,
                      created_by=actor.label, created_at=clock.now())
    _audited(session, case, "register.case", actor, clock)
    if result is not None or closed_on is not None:
        close_case(session, case, result=result, closed_on=closed_on, actor=actor, clock=clock)
    return case


def close_case(
    session: Session, case: AppealCase, *, result: str | None, closed_on: date | None, actor: Actor, clock: Clock,
) -> AppealCase:
    if result is None or closed_on is None:
        raise RegisterError(texts.CLOSED_NEEDS_OUTCOME)
    _choose(result, CASE_RESULTS, texts.UNKNOWN_RESULT)
    if closed_on < case.filed_on:
        raise RegisterError(texts.CLOSED_BEFORE_OPENED.format(closed=closed_on, opened=case.filed_on))
    case.result, case.closed_on = result, closed_on
    record(session, account_id=case.account_id, actor=actor, action="register.case_closed", at=clock.now(),
           detail={"id": case.id, "result": result, "closed_on": closed_on.isoformat()})
    return case


def edit_article20(
    session: Session, entry: Article20Entry, *, kind: str, action: str, occurred_on: date, quantity: int,
    amount_wan: Decimal | None, title: str, actor: Actor, clock: Clock,
) -> Article20Entry:
    """Correct a 第二十条 item by the rules it was entered under; the audit keeps before and after."""
    _check_article20(kind, action, quantity, amount_wan, title)
    return _edited(session, entry, "register.article20_edited", actor, clock, dict(
        kind=kind, action=action, occurred_on=occurred_on, quantity=quantity, amount_wan=amount_wan, title=title))


def edit_application(
    session: Session, application: DisclosureApplication, *, applicant_type: str, received_on: date, subject: str,
    outcome: str | None, closed_on: date | None, actor: Actor, clock: Clock,
) -> DisclosureApplication:
    """Correct an application; an outcome and its day go together, or both stay empty (still open)."""
    _choose(applicant_type, APPLICANT_TYPES, texts.UNKNOWN_APPLICANT)
    _short(subject, texts.FIELD_SUBJECT)
    _check_closing(outcome, closed_on, received_on, OUTCOMES, texts.UNKNOWN_OUTCOME)
    return _edited(session, application, "register.application_edited", actor, clock, dict(
        applicant_type=applicant_type, received_on=received_on, subject=subject, outcome=outcome, closed_on=closed_on))


def edit_case(
    session: Session, case: AppealCase, *, kind: str, filed_on: date, subject: str, result: str | None,
    closed_on: date | None, actor: Actor, clock: Clock,
) -> AppealCase:
    """Correct a 复议/诉讼 case; a result and its day go together, or both stay empty (undecided)."""
    _choose(kind, CASE_KINDS, texts.UNKNOWN_CASE_KIND)
    _short(subject, texts.FIELD_SUBJECT)
    _check_closing(result, closed_on, filed_on, CASE_RESULTS, texts.UNKNOWN_RESULT)
    return _edited(session, case, "register.case_edited", actor, clock, dict(
        kind=kind, filed_on=filed_on, subject=subject, result=result, closed_on=closed_on))


def _check_closing(outcome: str | None, closed_on: date | None, opened_on: date, choices, unknown: str) -> None:
    if (outcome is None) != (closed_on is None):
        raise RegisterError(texts.CLOSED_NEEDS_OUTCOME)
    if outcome is None:
        return
    _choose(outcome, choices, unknown)
    if closed_on < opened_on:
        raise RegisterError(texts.CLOSED_BEFORE_OPENED.format(closed=closed_on, opened=opened_on))


def _edited(session: Session, row, audit_action: str, actor: Actor, clock: Clock, values: dict):
    """Set the fields that differ and record them as {field: [before, after]}; no difference, no write."""
    changes = {field: [_plain(getattr(row, field)), _plain(value)]
               for field, value in values.items() if getattr(row, field) != value}
    if not changes:
        raise RegisterError(texts.NOTHING_CHANGED.format(id=row.id))
    for field, value in values.items():
        setattr(row, field, value)
    session.flush()
    record(session, account_id=row.account_id, actor=actor, action=audit_action, at=clock.now(),
           detail={"id": row.id, "changes": changes})
    return row


def register_trail(session: Session, row) -> list[AuditEntry]:
    """The audit entries of one register row, oldest first: how it was entered, closed and corrected."""
    prefix = REGISTER_AUDIT_PREFIX[type(row)]
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.account_id == row.account_id, AuditEntry.action.startswith(prefix),
    ).order_by(AuditEntry.at, AuditEntry.id))
    # The row's id is in each entry's detail (JSON): read there rather than by a JSON path, which
    # SQLite and PostgreSQL spell differently.
    return [e for e in entries if (e.detail or {}).get("id") == row.id]


def set_opening(
    session: Session, *, account_id: int, year: int, key: str, value: int, actor: Actor, clock: Clock,
) -> RegisterOpening:
    """A figure at 1 January of `year` brought from before govpost; replacing one is audited."""
    _choose(key, OPENING_KEYS, texts.UNKNOWN_OPENING)
    if value < 0:
        raise RegisterError(texts.OPENING_NEGATIVE)
    opening = session.scalar(select(RegisterOpening).where(
        RegisterOpening.account_id == account_id, RegisterOpening.year == year, RegisterOpening.key == key))
    old = opening.value if opening else None
    if opening is None:
        opening = RegisterOpening(account_id=account_id, year=year, key=key, value=value,
                                  created_by=actor.label, created_at=clock.now())
        session.add(opening)
    opening.value = value
    session.flush()
    record(session, account_id=account_id, actor=actor, action="register.opening", at=clock.now(),
           detail={"year": year, "key": key, "old": old, "new": value})
    return opening


def register_lines(session: Session, *, account_id: int, year: int | None = None) -> list[tuple]:
    """What a secretary checks before the report: every register row with its id, as cells.

    With a year: the 第二十条 items of that year, the applications and cases open at some
    point in it (received or filed by its end, not concluded before its start), and its
    opening figures; an application still open shows 办理中 so it can be closed.
    """
    def open_in_year(opened, closed):
        if year is None:
            return true()
        start, end = date(year, 1, 1), date(year, 12, 31)
        return and_(opened <= end, or_(closed.is_(None), closed >= start))

    lines: list[tuple] = []
    items = select(Article20Entry).where(Article20Entry.account_id == account_id)
    if year is not None:
        items = items.where(Article20Entry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)))
    for e in session.scalars(items.order_by(Article20Entry.occurred_on, Article20Entry.id)):
        amount = "" if e.amount_wan is None else f"{e.amount_wan.normalize():f}"
        lines.append((texts.LIST_ARTICLE20, e.id, e.occurred_on,
                      f"{KIND_LABELS.get(e.kind, e.kind)} {ACTION_LABELS.get(e.action, e.action)}",
                      e.quantity, amount, e.title))
    applications = select(DisclosureApplication).where(
        DisclosureApplication.account_id == account_id,
        open_in_year(DisclosureApplication.received_on, DisclosureApplication.closed_on))
    for a in session.scalars(applications.order_by(DisclosureApplication.received_on, DisclosureApplication.id)):
        lines.append((texts.LIST_APPLICATION, a.id, a.received_on, APPLICANT_LABELS.get(a.applicant_type, a.applicant_type),
                      OUTCOME_LABELS.get(a.outcome, a.outcome) if a.outcome else texts.LIST_OPEN,
                      a.closed_on or "", a.subject))
    cases = select(AppealCase).where(AppealCase.account_id == account_id,
                                     open_in_year(AppealCase.filed_on, AppealCase.closed_on))
    for c in session.scalars(cases.order_by(AppealCase.filed_on, AppealCase.id)):
        lines.append((texts.LIST_CASE, c.id, c.filed_on, CASE_KIND_LABELS.get(c.kind, c.kind),
                      CASE_RESULT_LABELS.get(c.result, c.result) if c.result else texts.LIST_OPEN, c.closed_on or "",
                      c.subject))
    openings = select(RegisterOpening).where(RegisterOpening.account_id == account_id)
    if year is not None:
        openings = openings.where(RegisterOpening.year == year)
    for o in session.scalars(openings.order_by(RegisterOpening.year, RegisterOpening.key)):
        lines.append((texts.LIST_OPENING, o.year, OPENING_LABELS.get(o.key, o.key), o.value))
    return lines


def _audited(session: Session, row, action: str, actor: Actor, clock: Clock):
    session.add(row)
    session.flush()
    detail = {c.name: _plain(getattr(row, c.name)) for c in row.__table__.columns if c.name not in ("created_at",)}
    record(session, account_id=row.account_id, actor=actor, action=action, at=clock.now(), detail=detail)
    return row


def _plain(value):
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value
