"""The example township report's year, recreated from a ledger: the counts of section 一 and
tables 二, 三, 四 label by label and cell by cell as the real report prints them."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from docx import Document

from stats.report.build import build_report
from stats.report.render import render

from .conftest import EXAMPLE_WECHAT

# A copy of shared/reference/example-township-report-2023.txt (a real township report), kept
# with the tests so that they never depend on what lies beside the checkout.
EXAMPLE = Path(__file__).resolve().parent / "data" / "example-township-report-2023.txt"
SECTIONS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]


def example_table_cells() -> list[list[str]]:
    """The cells of tables 二, 三 and 四 in the example, in reading order, empty cells dropped.

    The text is a dump of the Word tables. Two artefacts of that dump are undone: Word's list
    numbering turned 「三、本年度办理结果」 into 「3、 本年度办理结果」, and 「结果维持」 is
    broken over two lines in one cell.
    """
    lines = [line.strip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    starts = [lines.index(title) for title in SECTIONS]
    tables = []
    for begin, end in zip(starts, starts[1:]):
        cells = [c for c in lines[begin + 1:end] if c]
        cells = ["三、本年度办理结果" if c == "3、 本年度办理结果" else c for c in cells]
        joined = []
        for cell in cells:
            if joined and joined[-1] == "结果" and cell == "维持":
                joined[-1] = "结果维持"
            else:
                joined.append(cell)
        tables.append(joined)
    return tables


def docx_table_cells(table) -> list[str]:
    """A table's cells in reading order, each merged cell once, empty cells dropped."""
    seen, cells = set(), []
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # the elements themselves: ids of lxml proxies are reused
                continue
            seen.add(cell._tc)
            if cell.text.strip():
                cells.append(cell.text.strip())
    return cells


@pytest.fixture
def example_report(runtime, account, example_year):
    with runtime.session_factory() as session:
        return build_report(session, account, 2023, settings=runtime.settings)


def test_section_one_states_92_wechat_and_30_board_items_exactly(example_report):
    paragraph = example_report.proactive_paragraph
    assert "累计主动公开政府信息122条" in paragraph
    assert "通过微信公众号公开信息92条" in paragraph
    assert "通过三务公开栏公开信息30条" in paragraph
    assert "余" not in paragraph


def test_section_one_names_topics_in_order_of_count_with_their_numbers(example_report):
    paragraph = example_report.proactive_paragraph
    expected = ["党组织建设26条", "乡村振兴24条", "民生改善19条", "主题教育15条", "生态环保13条",
                "平安建设10条", "综治维稳8条", "法治宣传7条"]
    positions = [paragraph.index(phrase) for phrase in expected]
    assert positions == sorted(positions)


def test_json_has_the_spec_keys_with_exact_counts(example_report):
    data = json.loads(render(example_report, "json"))
    assert data["year"] == 2023 and data["account"] == "default"
    proactive = data["proactive"]
    assert proactive["total"] == 122
    assert proactive["by_channel"] == {"微信公众号": 92, "三务公开栏": 30}
    assert sum(proactive["by_topic"].values()) == 122
    assert proactive["wechat_by_topic"] == EXAMPLE_WECHAT
    assert list(proactive["wechat_by_topic"]) == list(EXAMPLE_WECHAT)
    assert sorted(proactive["by_month"]) == [f"2023-{m:02d}" for m in range(1, 13)]
    assert sum(proactive["by_month"].values()) == 122
    assert [c["status"] for c in data["checks"]] == ["pass", "pass", "pass", "skipped", "skipped", "pass"]


def test_docx_tables_equal_the_example_label_by_label_and_cell_by_cell(example_report):
    document = Document(io.BytesIO(render(example_report, "docx")))
    national = [t for t in document.tables if docx_table_cells(t)[0] in ("第二十条第（一）项", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "行政复议")]
    assert [docx_table_cells(t) for t in national] == example_table_cells()


def test_markdown_prints_every_label_of_the_example_tables(example_report):
    markdown = render(example_report, "md").decode("utf-8")
    for table in example_table_cells():
        for cell in table:
            if not re.fullmatch(r"\d+", cell):
                assert cell in markdown
    assert "余" not in markdown.split("## 二")[0]
