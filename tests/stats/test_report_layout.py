"""Items 19 and 20: GB/T 9704 page furniture, titles, pagination, and charts that resolve one item."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from publisher.texts import report as texts
from stats.report.build import build_report
from stats.report.cover_letter import LetterOptions
from stats.report.render import render
from stats.report.render_docx import BAR_AREA_TWIPS, TEXT_WIDTH_PT, TITLE_SIZE, text_width
from tests.stats.test_report_files import bar_twips

FILED = LetterOptions(number=5, date=date(2024, 2, 22))


def _report(runtime, account, year=2023, letter=FILED):
    with runtime.session_factory() as session:
        return build_report(session, account, year, settings=runtime.settings, letter=letter)


def _docx(report) -> Document:
    return Document(io.BytesIO(render(report, "docx")))


def _title_lines(paragraph) -> list[tuple[str, float]]:
    """(text, size in points) of each line of a title paragraph."""
    lines, size = [], TITLE_SIZE
    for run in paragraph.runs:
        if run._r.xpath("./w:br"):
            continue
        lines.append((run.text, run.font.size.pt if run.font.size else size))
    return lines


def test_page_numbers_are_dashed_at_the_outside_corners_odd_right_even_left(runtime, account, example_year):
    document = _docx(_report(runtime, account))
    assert document.settings.odd_and_even_pages_header_footer
    body = document.sections[1]
    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent.pt == 14
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent.pt == 14
    for footer in (odd, even):
        assert "PAGE" in "".join(footer._p.itertext())
        assert footer.text == texts.PAGE_FOOTER.format(page="1") == "— 1 —"
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # the report's first page is 1
    assert not document.sections[0].footer.paragraphs[0].text  # the cover letter has no number


def test_the_title_breaks_between_words_and_every_line_fits_the_measure(runtime, account, example_year):
    document = _docx(_report(runtime, account))
    letter_title, report_title = [p for p in document.paragraphs if p.style.name == "Title"]
    assert [t for t, _ in _title_lines(report_title)] == ["优干宁镇人民政府", "2023年政府信息公开工作年度报告"]
    assert [t for t, _ in _title_lines(letter_title)] == [
        "优干宁镇人民政府", "关于上报优干宁镇人民政府2023年", "政府信息公开工作年度报告的报告"]
    for text, size in _title_lines(report_title) + _title_lines(letter_title):
        assert text_width(text, size) <= TEXT_WIDTH_PT, text


def test_a_title_line_too_long_for_the_measure_is_set_smaller_not_wrapped(runtime, account):
    from publisher.db import transaction
    from publisher.models import Account

    long_name = "某某某某自治县某某某某某民族乡人民政府办公室"  # 22 characters: wider than a 2号 line
    with transaction(runtime.session_factory) as session:
        session.get(Account, account.id).display_name = long_name
    with runtime.session_factory() as session:
        report = build_report(session, session.get(Account, account.id), 2023, settings=runtime.settings, letter=FILED)
    title = [p for p in _docx(report).paragraphs if p.style.name == "Title"][1]
    (first, size), _ = _title_lines(title)
    assert first == long_name and size < TITLE_SIZE and text_width(first, size) <= TEXT_WIDTH_PT


def test_the_documents_author_is_the_township_not_python_docx(runtime, account, example_year):
    properties = _docx(_report(runtime, account)).core_properties
    assert properties.author == "优干宁镇人民政府" and properties.last_modified_by == "优干宁镇人民政府"
    assert properties.title == "优干宁镇人民政府2023年政府信息公开工作年度报告"
    assert "python-docx" not in (properties.author + properties.comments + properties.last_modified_by)


def test_section_six_and_the_signature_keep_together(runtime, account, example_year):
    paragraphs = _docx(_report(runtime, account)).paragraphs
    six = next(i for i, p in enumerate(paragraphs) if p.text == texts.SECTION_TITLES["other"])
    chain = paragraphs[six:six + 5]
    assert [p.text for p in chain[2:]] == ["", "优干宁镇人民政府", "2024年2月22日"]
    assert chain[0].style.paragraph_format.keep_with_next  # the heading, by its style
    assert all(p.paragraph_format.keep_with_next for p in chain[1:4])
    assert not chain[4].paragraph_format.keep_with_next


def test_findings_go_on_a_marked_page_after_the_signature_so_the_report_prints_as_is(runtime, account, example_year):
    clean = _docx(_report(runtime, account))
    assert len(clean.sections) == 2 and texts.FILING_CHECKS_PAGE_NOTE not in [p.text for p in clean.paragraphs]
    unfiled = _docx(_report(runtime, account, letter=LetterOptions()))  # no date: a warning
    assert len(unfiled.sections) == 3
    texts_in_order = [p.text for p in unfiled.paragraphs]
    note = texts_in_order.index(texts.FILING_CHECKS_PAGE_NOTE)
    assert [t for t in texts_in_order[:note] if t][-1] == texts.DATE_BLANK  # right after the report's signature
    assert texts.LETTER_DATE_BLANK_WARNING in texts_in_order[note:]


def test_bars_of_14_and_13_are_drawn_different_lengths(runtime, account, write_ledger):
    write_ledger("微信公众号", {"党组织建设": 30, "主题教育": 14, "生态环保": 13, "法治宣传": 1})
    chart = next(t for t in _docx(_report(runtime, account)).tables if t.cell(0, 0).text == texts.CHART_TOPIC)
    lengths = {row.cells[0].text: bar_twips(row) for row in chart.rows[1:]}
    assert lengths["党组织建设"] == BAR_AREA_TWIPS
    assert lengths["主题教育"] > lengths["生态环保"] > lengths["法治宣传"] > 0
    per_item = BAR_AREA_TWIPS / 30
    for topic, count in (("主题教育", 14), ("生态环保", 13), ("法治宣传", 1)):
        assert lengths[topic] == pytest.approx(count * per_item, abs=1)


def test_xlsx_first_sheet_has_the_by_channel_table_adding_up_to_the_total(runtime, account, example_year):
    with runtime.session_factory() as session:
        report = build_report(session, account, 2023, settings=runtime.settings, letter=FILED, with_entries=True)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    rows = [r for r in book.worksheets[0].iter_rows(values_only=True)]
    start = rows.index((texts.CHANNEL_HEADER, texts.CHART_COUNT))
    assert rows[start + 1:start + 4] == [("微信公众号", 92), ("三务公开栏", 30), (texts.CHANNEL_TOTAL, 122)]
