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
from publisher.core.registers import ACTIONS_BY_KIND, APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OUTCOMES
from publisher.services.registers import (
    RegisterError, add_application, add_article20, add_case, close_application, close_case, register_lines,
)
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import report as labels


def form_day(name: str, required: bool = True) -> date | None:
    """A day typed as 2025-03-01 (the pages' own format, whatever the browser's locale)."""
    value = request.form.get(name, "").strip()
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RegisterError(texts.REGISTER_DAY_INVALID) from None


def form_quantity_amount() -> tuple[int, Decimal | None]:
    form = request.form
    try:
        amount = Decimal(form["amount"].strip()) if form.get("amount", "").strip() else None
        return int(form.get("quantity") or 1), amount
    except (InvalidOperation, ValueError):
        raise RegisterError(texts.REGISTER_NUMBER_INVALID) from None


def _year() -> int:
    rt = runtime()
    return request.args.get("year", type=int) or rt.clock.now().astimezone(rt.settings.timezone).year


# A listed row's section, and the page that corrects it (bot/console/views/register_edit.py).
EDIT_PAGES = {ledger_texts.LIST_ARTICLE20: "console.register_article20_page",
              ledger_texts.LIST_APPLICATION: "console.register_application_page",
              ledger_texts.LIST_CASE: "console.register_case_page"}


def register_labels() -> dict:
    """The vocabularies and their Chinese labels, for the forms that add and those that edit."""
    return dict(
        kinds=ACTIONS_BY_KIND, kind_labels=labels.ARTICLE20_KINDS, applicant_types=APPLICANT_TYPES,
        applicant_labels=labels.APPLICANT_COLUMNS, outcomes=OUTCOMES,
        outcome_labels={key: label for _, rows in labels.OUTCOME_GROUPS for key, label in rows},
        case_kinds=CASE_KINDS, case_labels=labels.CASE_KINDS, case_results=CASE_RESULTS,
        result_labels=labels.CASE_RESULTS)


@blueprint.get("/registers")
def registers():
    year = _year()
    return render_template(
        "console/registers.html", year=year, lines=register_lines(db(), account_id=g.account.id, year=year),
        list_application=ledger_texts.LIST_APPLICATION, list_case=ledger_texts.LIST_CASE,
        list_open=ledger_texts.LIST_OPEN, edit_pages=EDIT_PAGES, **register_labels())


def _registered(row) -> str:
    return ledger_texts.REGISTERED.format(id=row.id)


@blueprint.post("/registers/article20")
def register_article20():
    rt, form = runtime(), request.form

    def add() -> str:
        kind = form.get("kind", "")
        action = form.get("action") or (ACTIONS_BY_KIND.get(kind, ("",))[0])
        quantity, amount = form_quantity_amount()
        return _registered(add_article20(db(), account_id=g.account.id, kind=kind, action=action,
                                         occurred_on=form_day("day"), quantity=quantity, amount_wan=amount,
                                         title=form.get("title", ""), actor=actor_of(g.user), clock=rt.clock))

    return act(add, url_for("console.registers"))


@blueprint.post("/registers/application")
def register_application():
    rt, form = runtime(), request.form
    return act(lambda: _registered(add_application(
        db(), account_id=g.account.id, applicant_type=form.get("applicant", ""), received_on=form_day("received"),
        subject=form.get("subject", ""), actor=actor_of(g.user), clock=rt.clock)), url_for("console.registers"))


@blueprint.post("/registers/case")
def register_case():
    rt, form = runtime(), request.form
    return act(lambda: _registered(add_case(
        db(), account_id=g.account.id, kind=form.get("kind", ""), filed_on=form_day("filed"),
        subject=form.get("subject", ""), actor=actor_of(g.user), clock=rt.clock)), url_for("console.registers"))


@blueprint.post("/registers/application/<int:record_id>/close")
def register_close_application(record_id: int):
    row = owned(DisclosureApplication, record_id)
    rt, form = runtime(), request.form

    def close() -> str:
        close_application(db(), row, outcome=form.get("outcome") or None, closed_on=form_day("closed", required=False),
                          actor=actor_of(g.user), clock=rt.clock)
        return ledger_texts.CLOSED.format(id=row.id)

    return act(close, url_for("console.registers"))


@blueprint.post("/registers/case/<int:record_id>/close")
def register_close_case(record_id: int):
    row = owned(AppealCase, record_id)
    rt, form = runtime(), request.form

    def close() -> str:
        close_case(db(), row, result=form.get("result") or None, closed_on=form_day("closed", required=False),
                   actor=actor_of(g.user), clock=rt.clock)
        return ledger_texts.CLOSED.format(id=row.id)

    return act(close, url_for("console.registers"))
