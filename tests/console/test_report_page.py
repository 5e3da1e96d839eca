"""The console's 年度报告 page: the county office's warnings above the preview, the cover
letter before the report, and a stale template date answered in Chinese."""
from __future__ import annotations

import dataclasses
import html
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from publisher.db import transaction
from publisher.services.audit import CLI
from publisher.services.registers import add_article20
from publisher.texts import console as console_texts
from publisher.texts import report as texts


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_report_page_shows_the_county_offices_warnings_above_the_preview(signed_in, runtime, account):
    with transaction(runtime.session_factory) as s:
        add_article20(s, account_id=account.id, kind="fee", action="charged", occurred_on=date(2024, 6, 1),
                      amount_wan=Decimal("0.5"), actor=CLI, clock=runtime.clock)
    body = _page(signed_in, "/report?year=2024")
    warning = texts.FEE_BUT_NONE_CHARGED.format(fee="0.5")
    assert console_texts.REPORT_WARNINGS_FOUND.format(count=3) in body  # the fee, and the blank date and number
    assert body.index(warning) < body.index(texts.SECTION_TITLES["overview"])
    assert body.index(texts.LETTER_DATE_BLANK_WARNING) < body.index("优政〔2025〕")  # warnings, then the letter


def test_report_page_without_findings_says_so_and_shows_the_letter_first(signed_in, runtime):
    settings = runtime.settings
    template = {k: dict(v) for k, v in settings.report_template.items()}
    template["cover_letter"].update(number="4", date="2025-02-10")
    runtime.settings = dataclasses.replace(settings, report_template=MappingProxyType(template))
    body = _page(signed_in, "/report?year=2024")
    assert texts.FILING_CHECKS_ALL_PASS in body
    assert body.index("优政〔2025〕4号") < body.index("县政府办：") < body.index("2025年2月10日") \
        < body.index(texts.SECTION_TITLES["overview"])


def test_a_template_date_inside_the_report_year_is_answered_in_chinese_not_a_500(signed_in, runtime):
    settings = runtime.settings
    template = {k: dict(v) for k, v in settings.report_template.items()}
    template["cover_letter"].update(date="2024-06-01")
    runtime.settings = dataclasses.replace(settings, report_template=MappingProxyType(template))
    response = signed_in.get("/report?year=2024")
    assert response.status_code == 400
    assert texts.LETTER_DATE_TOO_EARLY.format(date="2024-06-01", year=2024) in html.unescape(
        response.get_data(as_text=True))
    assert signed_in.get("/report/download/docx?year=2024").status_code == 400
