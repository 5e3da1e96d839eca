"""Correcting a register row in a real browser whose language is English (en-US): the day fields
still read 2025-03-01, and the row's audit trail shows the correction's before and after
(screenshot docs/console-register-edit.png with GOVPOST_UPDATE_DOCS=1)."""
from __future__ import annotations

from publisher.db import transaction
from publisher.models import AuditEntry, DisclosureApplication
from publisher.services.accounts import account_by_name
from publisher.services.console_users import create_login
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from tests.bot.conftest import serving
from tests.e2e.browsing import BROWSER_MARKS, DESKTOP, PASSWORD, shot

pytestmark = BROWSER_MARKS


def test_a_register_row_is_corrected_in_a_browser_and_its_trail_shows_before_and_after(browser, database_url):
    with serving(database_url, [{"name": "default", "display_name": "优干宁镇人民政府"}]) as (url, runtime, _):
        with transaction(runtime.session_factory) as session:
            create_login(session, "wang", PASSWORD, account=account_by_name(session, "default"), clock=runtime.clock)
        context = browser.new_context(viewport=DESKTOP, locale="en-US")
        page = context.new_page()
        page.goto(url + "/login")
        page.fill("#username", "wang")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.click(f"nav >> text={texts.NAV_REGISTERS}")
        day = page.locator("#app-day")
        assert day.get_attribute("type") == "text" and day.get_attribute("placeholder") == texts.DAY_PLACEHOLDER
        page.fill("#app-day", "2026-03-01")
        page.fill("#app-subject", "低保名单公开")
        page.click(f"section:has(#app-day) >> button:has-text('{texts.REGISTER_SUBMIT}')")
        page.wait_for_selector(".flash.ok")
        page.fill("input[name=year]", "2026")
        page.click(f"form.filters >> button:has-text('{texts.FILTER_SUBMIT}')")
        page.click(f"text={texts.REGISTER_EDIT}")
        page.fill("#e-subject", "低保名单及资金发放公开")
        page.select_option("#e-outcome", value="disclosed")
        page.fill("#e-closed", "2026-03-10")
        page.click(f"button:has-text('{texts.REGISTER_EDIT_SUBMIT}')")
        page.wait_for_selector(".flash.ok")
        trail = page.locator("table").inner_text()
        assert texts.AUDIT_CHANGE.format(field=texts.AUDIT_FIELDS["subject"], old="低保名单公开",
                                         new="低保名单及资金发放公开") in trail
        assert texts.AUDIT_ACTIONS["register.application_edited"] in trail
        shot(page, "register-edit", keep=True)
        with runtime.session_factory() as session:
            row = session.query(DisclosureApplication).one()
            assert (row.subject, row.outcome, str(row.closed_on)) == ("低保名单及资金发放公开", "disclosed", "2026-03-10")
            assert session.query(AuditEntry).filter_by(action="register.application_edited").count() == 1
        assert ledger_texts.LIST_OPEN not in page.goto(url + "/registers?year=2026").text()
        context.close()
