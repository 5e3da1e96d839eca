"""Correcting a register row from the console: the service's rules, CSRF, and the audit's before/after."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from publisher.db import transaction
from publisher.models import AppealCase, Article20Entry, AuditEntry, DisclosureApplication
from publisher.services.audit import CLI
from publisher.services.registers import RegisterError, add_application, add_article20, add_case, edit_application
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import report as report_texts
from tests.console.test_pages import page, post_form


@pytest.fixture
def rows(runtime, account):
    with transaction(runtime.session_factory) as session:
        application = add_application(session, account_id=account.id, applicant_type="natural",
                                      received_on=date(2024, 2, 1), subject="低保名单", actor=CLI, clock=runtime.clock)
        entry = add_article20(session, account_id=account.id, kind="fee", action="charged",
                              occurred_on=date(2024, 3, 1), amount_wan=Decimal("1.2"), title="证照工本费",
                              actor=CLI, clock=runtime.clock)
        case = add_case(session, account_id=account.id, kind="reconsideration", filed_on=date(2024, 4, 1),
                        subject="复议一", actor=CLI, clock=runtime.clock)
        return {"application": application.id, "article20": entry.id, "case": case.id}


def edits(runtime) -> list[AuditEntry]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action.like("register.%_edited"))))


def test_editing_an_application_changes_it_and_the_audit_keeps_before_and_after(signed_in, runtime, rows):
    path = f"/registers/application/{rows['application']}"
    response = post_form(signed_in, path + "/edit", {"applicant": "business", "received": "2024-02-03",
                                                     "subject": "低保名单（更正）", "outcome": "", "closed": ""},
                         page_path=path, follow_redirects=True)
    assert ledger_texts.EDITED.format(id=rows["application"]) in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        row = session.get(DisclosureApplication, rows["application"])
        assert (row.applicant_type, row.received_on, row.subject) == ("business", date(2024, 2, 3), "低保名单（更正）")
    [entry] = edits(runtime)
    assert entry.action == "register.application_edited" and entry.actor == "admin:wang"
    assert entry.detail == {"id": rows["application"], "changes": {
        "applicant_type": ["natural", "business"], "received_on": ["2024-02-01", "2024-02-03"],
        "subject": ["低保名单", "低保名单（更正）"]}}
    body = page(signed_in, path)
    assert texts.AUDIT_CHANGE.format(field=texts.AUDIT_FIELDS["applicant_type"],
                                     old=report_texts.APPLICANT_COLUMNS["natural"],
                                     new=report_texts.APPLICANT_COLUMNS["business"]) in body
    assert texts.AUDIT_ACTIONS["register.application"] in body  # the trail starts with the entry itself


def test_editing_a_fee_and_closing_a_case_through_their_forms(signed_in, runtime, rows):
    fee = f"/registers/article20/{rows['article20']}"
    post_form(signed_in, fee + "/edit", {"kind": "fee", "action": "charged", "day": "2024-03-02", "quantity": "2",
                                         "amount": "1.5", "title": "证照工本费"}, page_path=fee)
    case = f"/registers/case/{rows['case']}"
    post_form(signed_in, case + "/edit", {"kind": "reconsideration", "filed": "2024-04-01", "subject": "复议一",
                                          "result": "corrected", "closed": "2024-05-01"}, page_path=case)
    with runtime.session_factory() as session:
        entry = session.get(Article20Entry, rows["article20"])
        assert (entry.occurred_on, entry.quantity, entry.amount_wan) == (date(2024, 3, 2), 2, Decimal("1.5"))
        closed = session.get(AppealCase, rows["case"])
        assert (closed.result, closed.closed_on) == ("corrected", date(2024, 5, 1))
    assert {e.action for e in edits(runtime)} == {"register.article20_edited", "register.case_edited"}


@pytest.mark.parametrize("form, reason", [
    ({"applicant": "martian", "received": "2024-02-01"},
     ledger_texts.UNKNOWN_APPLICANT.format(value="martian", choices="、".join(
         k for k in report_texts.APPLICANT_COLUMNS if k != "total"))),
    ({"applicant": "natural", "received": "02/01/2024"}, texts.REGISTER_DAY_INVALID),
    ({"applicant": "natural", "received": "2024-02-01", "outcome": "disclosed", "closed": ""},
     ledger_texts.CLOSED_NEEDS_OUTCOME),
    ({"applicant": "natural", "received": "2024-02-01", "outcome": "disclosed", "closed": "2024-01-01"},
     ledger_texts.CLOSED_BEFORE_OPENED.format(closed="2024-01-01", opened="2024-02-01")),
    ({"applicant": "natural", "received": "2024-02-01", "subject": "字" * 201},
     ledger_texts.TEXT_TOO_LONG.format(field=ledger_texts.FIELD_SUBJECT, limit=200, length=201)),
    ({"applicant": "natural", "received": "2024-02-01", "subject": "低保名单"}, None),
])
def test_a_bad_edit_is_refused_in_chinese_and_changes_nothing(signed_in, runtime, rows, form, reason):
    path = f"/registers/application/{rows['application']}"
    reason = reason or ledger_texts.NOTHING_CHANGED.format(id=rows["application"])
    response = post_form(signed_in, path + "/edit", form, page_path=path, follow_redirects=True)
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        row = session.get(DisclosureApplication, rows["application"])
        assert (row.applicant_type, row.received_on, row.subject, row.outcome) == (
            "natural", date(2024, 2, 1), "低保名单", None)
    assert edits(runtime) == []


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_an_edit_without_the_csrf_token_is_refused_and_changes_nothing(signed_in, runtime, rows, token):
    data = {"applicant": "business", "received": "2024-02-01", "subject": "x"}
    if token:
        data["csrf_token"] = token
    response = signed_in.post(f"/registers/application/{rows['application']}/edit", data=data)
    assert response.status_code == 400
    assert texts.CSRF_REFUSED in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.get(DisclosureApplication, rows["application"]).applicant_type == "natural"
    assert edits(runtime) == []


def test_the_register_list_links_each_row_to_its_edit_page(signed_in, rows):
    body = page(signed_in, "/registers?year=2024")
    for kind, row_id in rows.items():
        assert f'href="/registers/{kind}/{row_id}"' in body


def test_the_service_refuses_an_unchanged_edit_without_an_audit_row(runtime, rows):
    with runtime.session_factory() as session:
        row = session.get(DisclosureApplication, rows["application"])
        with pytest.raises(RegisterError):
            edit_application(session, row, applicant_type="natural", received_on=date(2024, 2, 1), subject="低保名单",
                             outcome=None, closed_on=None, actor=CLI, clock=runtime.clock)
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "register.application_edited")) == 0
