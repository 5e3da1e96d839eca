"""Item 18: the cover letter (上报函) the report is filed with, first in every form."""
from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from types import MappingProxyType

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.section import WD_SECTION

from bot.cli import cli
from publisher.texts import report as texts
from stats.report.build import build_report
from stats.report.cover_letter import LetterError, LetterOptions
from stats.report.render import render


def _build(runtime, account, letter=LetterOptions(), settings=None):
    with runtime.session_factory() as session:
        return build_report(session, account, 2023, settings=settings or runtime.settings, letter=letter)


def _with_letter_template(settings, **values):
    template = {k: dict(v) for k, v in settings.report_template.items()}
    template["cover_letter"].update(values)
    return dataclasses.replace(settings, report_template=MappingProxyType(template))


def _cli(database_url, *args):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    return CliRunner().invoke(cli, ["report", "2023", *args], env=env)


def test_docx_opens_with_the_cover_letter_then_the_report_on_a_new_page(runtime, account):
    report = _build(runtime, account, LetterOptions(number=5, date=date(2024, 2, 22)))
    document = Document(io.BytesIO(render(report, "docx")))
    letter_section, report_section = document.sections[0], document.sections[1]
    assert report_section.start_type == WD_SECTION.NEW_PAGE
    first_break = next(i for i, p in enumerate(document.paragraphs) if p._p.xpath("./w:pPr/w:sectPr"))
    letter = [p.text for p in document.paragraphs[:first_break + 1] if p.text]
    assert letter == ["优政〔2024〕5号", "优干宁镇人民政府\n关于上报优干宁镇人民政府2023年\n政府信息公开工作年度报告的报告",
                      "县政府办：", "现将优干宁镇人民政府2023年政府信息公开工作年度报告随文呈上，请审阅。",
                      "优干宁镇人民政府", "2024年2月22日"]
    after = [p.text for p in document.paragraphs[first_break + 1:] if p.text]
    assert after[0] == "优干宁镇人民政府\n2023年政府信息公开工作年度报告"
    assert after[-1] == "2024年2月22日"  # the report is signed the day the letter is
    assert letter_section.footer.is_linked_to_previous and not letter_section.footer.paragraphs[0].text  # no number


def test_doc_number_date_addressee_and_office_code_from_the_command_line(database_url, runtime):
    result = _cli(database_url, "--doc-number", "7", "--date", "2024-03-01", "--addressee", "县政务公开办：",
                  "--office-code", "宁政")
    assert result.exit_code == 0, result.output
    letter = json.loads(result.stdout)["cover_letter"]
    assert letter["doc_number"] == "宁政〔2024〕7号" and letter["number"] == 7
    assert letter["addressee"] == "县政务公开办：" and letter["date"] == "2024-03-01"
    assert letter["date_text"] == "2024年3月1日" and letter["issuer"] == "优干宁镇人民政府"


def test_the_templates_letter_values_are_used_when_the_command_line_gives_none(runtime, account):
    settings = _with_letter_template(runtime.settings, number="3", date="2024-02-10", addressee="县政府办公室：",
                                     title="关于报送{year}年度政务公开年报的报告")
    letter = _build(runtime, account, settings=settings).cover_letter
    assert letter.doc_number == "优政〔2024〕3号" and letter.date == date(2024, 2, 10)
    assert letter.addressee == "县政府办公室：" and letter.title == "关于报送2023年度政务公开年报的报告"
    overridden = _build(runtime, account, LetterOptions(number=9), settings=settings).cover_letter
    assert overridden.doc_number == "优政〔2024〕9号"


def test_doc_numbers_year_is_the_filing_dates_year_or_the_year_after_the_reports(runtime, account):
    assert _build(runtime, account, LetterOptions(number=1, date=date(2025, 1, 5))).cover_letter.doc_number == \
        "优政〔2025〕1号"
    assert _build(runtime, account).cover_letter.doc_number == "优政〔2024〕　　号"


def test_a_date_not_given_is_left_blank_for_the_pen_and_said_so_never_today(runtime, account, clock):
    report = _build(runtime, account)
    assert report.cover_letter.date is None and report.signed_on is None
    assert texts.LETTER_DATE_BLANK_WARNING in report.warnings and texts.LETTER_NUMBER_BLANK_WARNING in report.warnings
    document = Document(io.BytesIO(render(report, "docx")))
    lines = [p.text for p in document.paragraphs]
    assert lines.count(texts.DATE_BLANK) == 2  # the letter's date and the report's signature
    today = clock.now().astimezone(runtime.settings.timezone).date()
    today_text = texts.SIGNATURE_DATE.format(year=today.year, month=today.month, day=today.day)
    assert not any(today_text in line for line in lines)


def test_a_filing_date_inside_the_report_year_is_refused_in_chinese(database_url, runtime, account):
    result = _cli(database_url, "--date", "2023-12-31")
    assert result.exit_code == 2
    assert result.stderr.strip() == texts.CLI_ERROR_LINE.format(
        message=texts.LETTER_DATE_TOO_EARLY.format(date="2023-12-31", year=2023))
    with pytest.raises(LetterError):
        _build(runtime, account, LetterOptions(date=date(2023, 6, 1)))


@pytest.mark.parametrize("args, message", [
    (["--date", "2024-13-01"], texts.CLI_DATE_INVALID.format(value="2024-13-01")),
    (["--date", "明天"], texts.CLI_DATE_INVALID.format(value="明天")),
    (["--doc-number", "五"], texts.CLI_DOC_NUMBER_INVALID.format(value="五")),
    (["--doc-number", "0"], texts.CLI_DOC_NUMBER_INVALID.format(value="0")),
])
def test_a_malformed_date_or_doc_number_is_refused_in_chinese_with_status_2(database_url, args, message):
    result = _cli(database_url, *args)
    assert result.exit_code == 2 and result.stderr.strip() == texts.CLI_ERROR_LINE.format(message=message)
    assert "Traceback" not in result.output


def test_a_malformed_template_date_is_refused_by_name(runtime, account):
    settings = _with_letter_template(runtime.settings, date="二月")
    with pytest.raises(LetterError, match="二月"):
        _build(runtime, account, settings=settings)


def test_markdown_and_json_carry_the_letters_fields(runtime, account):
    report = _build(runtime, account, LetterOptions(number=5, date=date(2024, 2, 22)))
    markdown = render(report, "md").decode("utf-8")
    head = markdown.split("\n---\n")[0]
    for line in ("优政〔2024〕5号", "县政府办：", "现将优干宁镇人民政府2023年政府信息公开工作年度报告随文呈上，请审阅。",
                 "2024年2月22日"):
        assert line in head
    assert markdown.index("优政〔2024〕5号") < markdown.index("# 优干宁镇人民政府2023年政府信息公开工作年度报告")
    letter = json.loads(render(report, "json"))["cover_letter"]
    assert letter["title_lines"] == ["关于上报优干宁镇人民政府2023年", "政府信息公开工作年度报告的报告"]
    assert {"doc_number", "addressee", "body", "issuer", "date", "date_text"} <= set(letter)


def test_a_template_kept_from_before_the_letter_gets_the_committed_wording(runtime, account):
    template = {k: v for k, v in runtime.settings.report_template.items() if k != "cover_letter"}
    settings = dataclasses.replace(runtime.settings, report_template=MappingProxyType(template))
    letter = _build(runtime, account, LetterOptions(number=2, date=date(2024, 3, 1)), settings=settings).cover_letter
    assert letter.title_lines == ("关于上报优干宁镇人民政府2023年", "政府信息公开工作年度报告的报告")
    assert letter.addressee == "县政府办：" and letter.issuer == "优干宁镇人民政府"
    assert letter.doc_number == "〔2024〕2号"  # no 机关代字 given anywhere: none invented
