"""登记簿 for report tables 二–四: list a year's rows, add one, close an application or a case,
through `publisher.services.registers` as `govpost register` does."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import g, render_template, request, url_for

from bot.console import blueprint
from bot.console.web import act, db, owned, runtime
from publisher.services.console_users import actor_of
from publisher.models import AppealCase, DisclosureApplication
from publisher.services.registers import (
    ACTIONS_BY_KIND, APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OUTCOMES, RegisterError, add_application,
    add_article20, add_case, close_application, close_case, register_lines,
)
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import report as labels


def _day(name: str, required: bool = True) -> date | None:
    value = request.form.get(name, "")
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RegisterError(texts.REGISTER_DAY_INVALID) from None


def _year() -> int:
    rt = runtime()
    return request.args.get("year", type=int) or rt.clock.now().astimezone(rt.settings.timezone).year


@blueprint.get("/registers")
def registers():
    year = _year()
    outcome_labels = {key: label for _, rows in labels.OUTCOME_GROUPS for key, label in rows}
    return render_template(
        "console/registers.html", year=year, lines=register_lines(db(), account_id=g.account.id, year=year),
        kinds=ACTIONS_BY_KIND, kind_labels=labels.ARTICLE20_KINDS, applicant_types=APPLICANT_TYPES,
        applicant_labels=labels.APPLICANT_COLUMNS, outcomes=OUTCOMES, outcome_labels=outcome_labels,
        case_kinds=CASE_KINDS, case_labels=labels.CASE_KINDS, case_results=CASE_RESULTS,
        result_labels=labels.CASE_RESULTS, list_application=ledger_texts.LIST_APPLICATION,
        list_case=ledger_texts.LIST_CASE, list_open=ledger_texts.LIST_OPEN)


def _registered(row) -> str:
    return ledger_texts.REGISTERED.format(id=row.id)


@blueprint.post("/registers/article20")
def register_article20():
    rt, form = runtime(), request.form

    def add() -> str:
        kind = form.get("kind", "")
        action = form.get("action") or (ACTIONS_BY_KIND.get(kind, ("",))[0])
        try:
            amount = Decimal(form["amount"]) if form.get("amount") else None
            quantity = int(form.get("quantity") or 1)
        except (InvalidOperation, ValueError):
            raise RegisterError(texts.REGISTER_NUMBER_INVALID) from None
        return _registered(add_article20(db(), account_id=g.account.id, kind=kind, action=action,
                                         occurred_on=_day("day"), quantity=quantity, amount_wan=amount,
                                         title=form.get("title", ""), actor=actor_of(g.user), clock=rt.clock))

    return act(add, url_for("console.registers"))


@blueprint.post("/registers/application")
def register_application():
    rt, form = runtime(), request.form
    return act(lambda: _registered(add_application(
        db(), account_id=g.account.id, applicant_type=form.get("applicant", ""), received_on=_day("received"),
        subject=form.get("subject", ""), actor=actor_of(g.user), clock=rt.clock)), url_for("console.registers"))


@blueprint.post("/registers/case")
def register_case():
    rt, form = runtime(), request.form
    return act(lambda: _registered(add_case(
        db(), account_id=g.account.id, kind=form.get("kind", ""), filed_on=_day("filed"),
        subject=form.get("subject", ""), actor=actor_of(g.user), clock=rt.clock)), url_for("console.registers"))


@blueprint.post("/registers/application/<int:record_id>/close")
def register_close_application(record_id: int):
    row = owned(DisclosureApplication, record_id)
    rt, form = runtime(), request.form

    def close() -> str:
        close_application(db(), row, outcome=form.get("outcome") or None, closed_on=_day("closed", required=False),
                          actor=actor_of(g.user), clock=rt.clock)
        return ledger_texts.CLOSED.format(id=row.id)

    return act(close, url_for("console.registers"))


@blueprint.post("/registers/case/<int:record_id>/close")
def register_close_case(record_id: int):
    row = owned(AppealCase, record_id)
    rt, form = runtime(), request.form

    def close() -> str:
        close_case(db(), row, result=form.get("result") or None, closed_on=_day("closed", required=False),
                   actor=actor_of(g.user), clock=rt.clock)
        return ledger_texts.CLOSED.format(id=row.id)

    return act(close, url_for("console.registers"))
