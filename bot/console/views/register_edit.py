"""Correcting a register row (tables 二–四): the row's form, filled in, and its audit trail with
each correction's before and after, through `publisher.services.registers` like every write."""
from __future__ import annotations

from flask import g, render_template, request, url_for

from bot.console import blueprint
from bot.console.views.registers import form_day, form_quantity_amount, register_labels
from bot.console.web import act, db, owned, runtime
from publisher.models import AppealCase, Article20Entry, DisclosureApplication
from publisher.services.console_users import actor_of
from publisher.services.registers import edit_application, edit_article20, edit_case, register_trail
from publisher.texts import ledger as ledger_texts


def _page(row, kind: str):
    return render_template("console/register_edit.html", row=row, kind=kind, trail=register_trail(db(), row),
                           back=url_for("console.registers", year=_year_of(row)), **register_labels())


def _year_of(row) -> int:
    day = getattr(row, "occurred_on", None) or getattr(row, "received_on", None) or row.filed_on
    return day.year


@blueprint.get("/registers/article20/<int:record_id>")
def register_article20_page(record_id: int):
    return _page(owned(Article20Entry, record_id), "article20")


@blueprint.get("/registers/application/<int:record_id>")
def register_application_page(record_id: int):
    return _page(owned(DisclosureApplication, record_id), "application")


@blueprint.get("/registers/case/<int:record_id>")
def register_case_page(record_id: int):
    return _page(owned(AppealCase, record_id), "case")


@blueprint.post("/registers/article20/<int:record_id>/edit")
def register_edit_article20(record_id: int):
    row, form = owned(Article20Entry, record_id), request.form

    def edit() -> str:
        quantity, amount = form_quantity_amount()
        edit_article20(db(), row, kind=form.get("kind", ""), action=form.get("action", ""),
                       occurred_on=form_day("day"), quantity=quantity, amount_wan=amount,
                       title=form.get("title", "").strip(), actor=actor_of(g.user), clock=runtime().clock)
        return ledger_texts.EDITED.format(id=row.id)

    return act(edit, url_for("console.register_article20_page", record_id=record_id))


@blueprint.post("/registers/application/<int:record_id>/edit")
def register_edit_application(record_id: int):
    row, form = owned(DisclosureApplication, record_id), request.form

    def edit() -> str:
        edit_application(db(), row, applicant_type=form.get("applicant", ""), received_on=form_day("received"),
                         subject=form.get("subject", "").strip(), outcome=form.get("outcome") or None,
                         closed_on=form_day("closed", required=False), actor=actor_of(g.user), clock=runtime().clock)
        return ledger_texts.EDITED.format(id=row.id)

    return act(edit, url_for("console.register_application_page", record_id=record_id))


@blueprint.post("/registers/case/<int:record_id>/edit")
def register_edit_case(record_id: int):
    row, form = owned(AppealCase, record_id), request.form

    def edit() -> str:
        edit_case(db(), row, kind=form.get("kind", ""), filed_on=form_day("filed"),
                  subject=form.get("subject", "").strip(), result=form.get("result") or None,
                  closed_on=form_day("closed", required=False), actor=actor_of(g.user), clock=runtime().clock)
        return ledger_texts.EDITED.format(id=row.id)

    return act(edit, url_for("console.register_case_page", record_id=record_id))
