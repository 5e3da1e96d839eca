"""The DOCX and XLSX read back: what a secretary prints and what she checks by hand."""
from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import cli
from publisher.core.years import FIRST_YEAR
from publisher.texts import ledger as ledger_texts
from stats.report.build import build_report
from stats.report.cover_letter import LetterOptions
from stats.report.render import render
from stats.report.render_docx import BAR_AREA_TWIPS


@pytest.fixture
def report(runtime, account, example_year):
    with runtime.session_factory() as session:
        return build_report(session, account, 2023, settings=runtime.settings,
                            letter=LetterOptions(number=5, date=date(2024, 2, 22)), with_entries=True)


@pytest.fixture(scope="module")
def _rendered() -> dict[str, bytes]:
    return {}


@pytest.fixture
def document(request, _rendered):
    """The example year's DOCX, rendered once per module: its input is the same for every test,
    and each test reads its own copy."""
    if "docx" not in _rendered:
        _rendered["docx"] = render(request.getfixturevalue("report"), "docx")
    return Document(io.BytesIO(_rendered["docx"]))


def test_docx_has_title_and_the_six_national_headings_in_order(document):
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles[1].replace("\n", "") == "优干宁镇人民政府2023年政府信息公开工作年度报告"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "（一）主动公开情况" in body and "通过微信公众号公开信息92条" in body
    assert "信息处理费" in body


def test_docx_tables_merge_header_cells_as_the_national_format(document):
    applications = next(t for t in document.tables if t.cell(0, 0).text.startswith("（本列数据"))
    corner = applications.cell(0, 0)
    assert applications.cell(2, 2)._tc is corner._tc  # three rows by three columns
    assert applications.cell(0, 9)._tc is applications.cell(0, 3)._tc  # 申请人情况 over all seven
    assert applications.cell(1, 8).text == "法人或其他组织" and applications.cell(1, 4)._tc is applications.cell(1, 8)._tc
    appeals = next(t for t in document.tables if t.cell(0, 0).text == "行政复议")
    assert appeals.cell(0, 14).text == "行政诉讼" and appeals.cell(0, 5)._tc is appeals.cell(0, 14)._tc
    assert [appeals.cell(3, i).text for i in range(15)] == ["0"] * 15


def test_docx_charts_show_items_by_topic_and_by_month_in_proportion(document, report):
    captions = [p.text for p in document.paragraphs if p.text.startswith("图")]
    assert captions == ["图1　2023年主动公开信息按话题统计（条）", "图2　2023年主动公开信息按月份统计（条）"]
    by_topic = next(t for t in document.tables if t.cell(0, 0).text == "话题")
    bars = {row.cells[0].text: (int(row.cells[1].text), bar_twips(row)) for row in by_topic.rows[1:]}
    assert {t: n for t, (n, _) in bars.items()} == report.proactive.by_topic
    assert bars["党组织建设"][1] == BAR_AREA_TWIPS and bars["法治宣传"][1] == round(7 / 26 * BAR_AREA_TWIPS)
    by_month = next(t for t in document.tables if t.cell(0, 0).text == "月份")
    assert sum(int(r.cells[1].text) for r in by_month.rows[1:]) == 122


def bar_twips(row) -> int:
    """How long a chart row's bar is drawn: the width of its shaded cells."""
    return sum(int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
               for tc in row._tr.tc_lst[2:] if tc.xpath("./w:tcPr/w:shd"))


def _keeps_with_next(paragraph) -> bool:
    return bool(paragraph._p.xpath("./w:pPr/w:keepNext[not(@w:val='0' or @w:val='false')]"))


def test_docx_body_text_flows_from_page_to_page_unchained(document):
    """Regression: body text must fill a page, not be pushed on by keep-with-next chains,
    keep-together rows or widow control (a 3-line paragraph left 2 lines empty on page 1)."""
    normal = document.styles["Normal"]
    assert normal.paragraph_format.widow_control is False
    assert not normal.paragraph_format.keep_with_next and not normal.paragraph_format.keep_together
    paragraphs = document.paragraphs
    chained = [p.text for p in paragraphs if p.style.name == "Normal" and _keeps_with_next(p)]
    captions = [p.text for p in paragraphs if p.text.startswith("图")]
    closing = [p.text for p in paragraphs[-4:-1]]  # last body paragraph, blank line, signer
    assert closing[1:] == ["", "优干宁镇人民政府"]
    assert chained == ["优干宁镇人民政府"] + captions + closing  # the cover letter's issuer keeps with its date
    assert not any(p._p.xpath("./w:pPr/w:keepLines") for p in paragraphs if p.style.name == "Normal")
    assert not document.element.body.xpath("./w:p/w:pPr/w:pageBreakBefore")
    national = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(national) == 3
    for table in national[:2]:  # tables 二 and 三 flow over pages (table 三 repeats its header)
        assert not table._tbl.xpath(".//w:cantSplit | .//w:keepNext | .//w:keepLines")


def test_docx_table_four_is_never_split_over_two_pages(document):
    """Regression: table 四's header rows sat at a page's foot and its one row of figures on the next."""
    appeals = next(t for t in document.tables if t.cell(0, 0).text == "行政复议")
    rows = appeals.rows
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in rows)
    for row in rows[:-1]:
        assert all(tc.xpath("./w:p/w:pPr/w:keepNext") for tc in row._tr.tc_lst)
    assert not rows[-1]._tr.xpath("./w:tc/w:p/w:pPr/w:keepNext")


def test_docx_chart_bars_stand_apart_and_keep_with_their_caption(document):
    """Regression: adjacent bars touched and read as one staircase block."""
    for header in ("话题", "月份"):
        chart = next(t for t in document.tables if t.cell(0, 0).text == header)
        caption = chart._tbl.getprevious()
        assert caption.xpath("./w:pPr/w:keepNext") and caption.xpath("string(.)").startswith("图")
        rows = chart.rows
        for index, row in enumerate(rows):
            assert row._tr.xpath("./w:trPr/w:cantSplit")
            keeps = row._tr.xpath("./w:tc/w:p/w:pPr/w:keepNext")
            assert len(keeps) == (0 if index == len(rows) - 1 else len(row._tr.tc_lst))
        for row in rows[1:]:
            assert row.height_rule == WD_ROW_HEIGHT_RULE.EXACTLY
            bars = row._tr.tc_lst[2:]
            assert 1 <= len(bars) <= 2 and bars[0].xpath("./w:tcPr/w:shd")  # the bar, then the space after it
            for tc in bars:
                for side in ("top", "bottom"):  # a white gap above and below every bar
                    border = tc.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn('w:' + side)}")
                    assert border is not None and border.get(qn("w:val")) == "single"
                    assert border.get(qn("w:color")) == "FFFFFF" and int(border.get(qn("w:sz"))) >= 16
                assert tc.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn('w:right')}") is None  # one solid bar
            assert not chart._tbl.xpath("./w:tblPr/w:tblCellSpacing")
            fills = {tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill"))
                     for tc in bars if tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is not None}
            assert len(fills) == 1
            fill = fills.pop()
            red, green, blue = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
            assert 0.2 < (0.299 * red + 0.587 * green + 0.114 * blue) / 255 < 0.6  # a grey in black and white
        assert [r.cells[1].text for r in rows[1:]] and all(r.cells[1].text.isdigit() for r in rows[1:])


def test_docx_numbers_pages_and_names_chinese_fonts_for_east_asian_text(document):
    footer = document.sections[1].footer.paragraphs[0]
    assert "PAGE" in "".join(footer._p.itertext()) and footer.text.startswith("—")
    fonts = {name: document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) for name in ("Normal", "Heading 1")}
    assert fonts == {"Normal": "仿宋_GB2312", "Heading 1": "黑体"}


def test_xlsx_opens_with_a_sheet_per_table_and_the_ledger_rows(report):
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert book.sheetnames == ["主动公开统计", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼", "公开台账", "文章阅读"]
    ledger = book["公开台账"]
    assert ledger.max_row == 1 + 122
    channels = [row[1] for row in ledger.iter_rows(min_row=2, values_only=True)]
    assert channels.count("微信公众号") == 92 and channels.count("三务公开栏") == 30
    applications = book["表三 依申请公开"]
    assert "A1:C3" in {str(r) for r in applications.merged_cells.ranges}
    assert applications["A4"].value == "一、本年新收政府信息公开申请数量" and applications["J4"].value == 0
    assert len(book["主动公开统计"]._charts) == 2


def test_cli_writes_each_format_to_the_out_file(database_url, example_year, tmp_path):
    from click.testing import CliRunner

    from bot.cli import cli

    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    for fmt in ("json", "md", "docx", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(cli, ["report", "2023", "--format", fmt, "--out", str(out)], env=env)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert Document(str(tmp_path / "report.docx")).tables
    assert "通过微信公众号公开信息92条" in (tmp_path / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", ["202", "1899", "1999", "2099", "20245"])
def test_cli_refuses_a_year_no_report_can_have_by_the_rule_statistics_follows(database_url, year):
    result = CliRunner().invoke(cli, ["report", year], env={"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""})
    this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert result.exit_code == 2
    assert ledger_texts.YEAR_OUT_OF_RANGE.format(year=int(year), first=FIRST_YEAR, last=this_year) in result.output
