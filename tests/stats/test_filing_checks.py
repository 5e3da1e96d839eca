"""Item 21: the checks a county office runs before accepting a report, as warnings beside the
six 勾稽 rules, each with a case that passes and one that fails, and in every output."""
from __future__ import annotations

import copy
import dataclasses
import io
import json
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from bot.cli import cli
from publisher.db import transaction
from publisher.services.audit import CLI
from publisher.services.registers import add_article20, add_case
from publisher.texts import report as texts
from stats.report.build import build_report
from stats.report.cover_letter import LetterOptions
from stats.report.filing_checks import (
    blank_cell_warnings, fee_warnings, section_five_warnings, text_figure_warnings,
)
from stats.report.render import render

FILED = LetterOptions(number=5, date=date(2025, 2, 1))


def _report(runtime, account, year=2024, settings=None, with_entries=False):
    with runtime.session_factory() as session:
        return build_report(session, account, year, settings=settings or runtime.settings, letter=FILED,
                            with_entries=with_entries)


def _edited(settings, section: str, **values):
    """The settings with the report template edited by hand, as a township would."""
    template = {k: dict(v) for k, v in settings.report_template.items()}
    template[section].update(values)
    return dataclasses.replace(settings, report_template=MappingProxyType(template))


def _narrative(report, section: str, **values):
    narrative = copy.deepcopy(report.narrative)
    narrative[section].update(values)
    return narrative


def _fee(runtime, account, amount: str):
    with transaction(runtime.session_factory) as s:
        add_article20(s, account_id=account.id, kind="fee", action="charged", occurred_on=date(2024, 6, 1),
                      amount_wan=Decimal(amount), actor=CLI, clock=runtime.clock)


def test_the_committed_template_and_an_ordinary_year_raise_no_warning(runtime, account, write_ledger):
    write_ledger("微信公众号", {"乡村振兴": 10}, year=2023)
    write_ledger("微信公众号", {"乡村振兴": 12}, year=2024)
    assert _report(runtime, account).warnings == []


@pytest.mark.parametrize("problems", ["", "无", "无。", "有待加强。"])
def test_section_five_empty_none_or_under_ten_characters_is_warned(runtime, account, problems):
    report = _report(runtime, account)
    found = section_five_warnings(_narrative(report, "problems", problems=problems))
    assert found == [texts.PROBLEMS_TOO_SHORT.format(part=texts.FILING_SECTION_NAMES["problems"],
                                                     length=len(problems.strip()))]


def test_section_five_with_ten_characters_or_more_passes(runtime, account):
    report = _report(runtime, account)
    assert section_five_warnings(_narrative(report, "problems", problems="公开内容的全面性有待加强。")) == []


def test_a_fee_while_section_six_says_none_was_charged_is_warned(runtime, account):
    _fee(runtime, account, "1.25")
    report = _report(runtime, account)  # the committed 六: 「本年度未收取信息处理费。」
    assert texts.FEE_BUT_NONE_CHARGED.format(fee="1.25") in report.warnings
    assert fee_warnings(_narrative(report, "other", text="无"), report.tables) != []


def test_a_fee_that_section_six_reports_passes_and_so_does_none_with_no_fee(runtime, account):
    none_charged = _report(runtime, account)
    assert fee_warnings(none_charged.narrative, none_charged.tables) == []
    _fee(runtime, account, "1.25")
    charged = _report(runtime, account)
    assert fee_warnings(_narrative(charged, "other", text="本年度收取信息处理费1.25万元。"), charged.tables) == []


@pytest.mark.parametrize("last, this", [(10, 60), (10, 1)])
def test_a_figure_more_than_five_times_or_under_a_fifth_of_last_years_is_warned(runtime, account, write_ledger,
                                                                                  last, this):
    write_ledger("微信公众号", {"乡村振兴": last}, year=2023)
    write_ledger("微信公众号", {"乡村振兴": this}, year=2024)
    warnings = _report(runtime, account).warnings
    figure = texts.FIGURE_NAMES["channel"].format(channel="微信公众号")
    assert texts.YEAR_ON_YEAR_JUMP.format(figure=figure, previous_year=2023, previous=last, year=2024,
                                          current=this) in warnings
    assert texts.YEAR_ON_YEAR_JUMP.format(figure=texts.FIGURE_NAMES["proactive_total"], previous_year=2023,
                                          previous=last, year=2024, current=this) in warnings


@pytest.mark.parametrize("last, this", [(10, 50), (10, 2), (0, 40)])
def test_a_figure_within_five_fold_or_new_this_year_passes(runtime, account, write_ledger, last, this):
    if last:
        write_ledger("微信公众号", {"乡村振兴": last}, year=2023)
    write_ledger("微信公众号", {"乡村振兴": this}, year=2024)
    assert _report(runtime, account).warnings == []


def test_a_cross_year_jump_in_the_registers_is_warned_too(runtime, account):
    with transaction(runtime.session_factory) as s:
        for year, quantity in ((2023, 2), (2024, 30)):
            add_article20(s, account_id=account.id, kind="penalty", action="decided", occurred_on=date(year, 5, 1),
                          quantity=quantity, actor=CLI, clock=runtime.clock)
    figure = texts.FIGURE_NAMES["decision"].format(kind="行政处罚")
    assert texts.YEAR_ON_YEAR_JUMP.format(figure=figure, previous_year=2023, previous=2, year=2024,
                                          current=30) in _report(runtime, account).warnings


@pytest.mark.parametrize("value", [None, "", "/", "-", "—"])
def test_a_blank_or_slash_cell_where_a_number_is_wanted_is_warned(runtime, account, value):
    tables = copy.deepcopy(_report(runtime, account).tables)
    tables.applications.rows["received"]["natural"] = value
    assert blank_cell_warnings(tables) == [texts.CELL_NOT_A_NUMBER.format(
        table="表三", row=texts.RECEIVED, value="" if value is None else value)]


def test_tables_of_numbers_pass_the_blank_cell_check(runtime, account):
    assert blank_cell_warnings(_report(runtime, account).tables) == []


@pytest.mark.parametrize("section, key, text, phrase, table, expected", [
    ("overview", "on_request", "本年度新收政府信息公开申请3件，上年结转0件。", "新收政府信息公开申请3件", "received", 0),
    ("overview", "on_request", "上年结转政府信息公开申请2件。", "上年结转政府信息公开申请2件", "carried_in", 0),
    ("overview", "on_request", "结转下年度继续办理1件。", "结转下年度继续办理1件", "carried_out", 0),
    ("overview", "supervision", "全年发生行政复议2件、行政诉讼0件。", "行政复议2件", "reconsideration", 1),
    ("overview", "supervision", "全年发生行政复议1件、行政诉讼案件4件。", "行政诉讼案件4件", "litigation", 0),
])
def test_figures_typed_into_the_narrative_that_disagree_with_the_tables_are_warned(
        runtime, account, section, key, text, phrase, table, expected):
    with transaction(runtime.session_factory) as s:
        add_case(s, account_id=account.id, kind="reconsideration", filed_on=date(2024, 5, 1), result="upheld",
                 closed_on=date(2024, 7, 1), actor=CLI, clock=runtime.clock)
    report = _report(runtime, account, settings=_edited(runtime.settings, section, **{key: text}))
    assert texts.TEXT_FIGURE_MISMATCH.format(phrase=phrase, table=texts.TEXT_FIGURE_TABLES[table],
                                             expected=expected) in report.warnings


def test_figures_written_by_the_templates_placeholders_or_typed_right_pass(runtime, account):
    with transaction(runtime.session_factory) as s:
        add_case(s, account_id=account.id, kind="reconsideration", filed_on=date(2024, 5, 1), result="upheld",
                 closed_on=date(2024, 7, 1), actor=CLI, clock=runtime.clock)
    report = _report(runtime, account)
    assert text_figure_warnings(report.narrative, report.tables) == []
    typed = _narrative(report, "overview", supervision="全年发生行政复议1件、行政诉讼0件。")
    assert text_figure_warnings(typed, report.tables) == []


def test_warnings_are_in_every_output_and_on_stderr(runtime, account, database_url):
    _fee(runtime, account, "1.25")
    warning = texts.FEE_BUT_NONE_CHARGED.format(fee="1.25")
    report = _report(runtime, account, with_entries=True)
    assert warning in json.loads(render(report, "json"))["warnings"]
    markdown = render(report, "md").decode("utf-8")
    assert f"## {texts.FILING_CHECKS_HEADING}" in markdown and f"- {warning}" in markdown
    assert warning in [p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs]
    sheet = load_workbook(io.BytesIO(render(report, "xlsx"))).worksheets[0]
    assert warning in [row[0] for row in sheet.iter_rows(values_only=True)]
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["report", "2024", "--format", "md", "--doc-number", "5", "--date", "2025-02-01"],
                                env=env)
    assert result.exit_code == 0 and texts.CLI_WARNING_LINE.format(message=warning) in result.stderr.splitlines()
