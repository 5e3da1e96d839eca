"""The DOCX a secretary prints, stamps and files as is: the cover letter (上报函) on its own
page, then the report with the national headings and tables (the merged header cells of the
national format), 公文 fonts (set for East Asian text too, which Word otherwise ignores), the
charts by topic and by month, and the GB/T 9704 furniture: 「— 1 —」 page numbers at the
outside corners from the report's first page, titles broken between words, the township as
the file's author.

The charts are drawn as shaded table cells rather than pictures: they print sharp at any
size, need no plotting library or CJK font on the server, and Word and WPS can edit them.
Each bar is one shaded cell as long as its count to the twip, in a row of fixed height with
thick white top and bottom borders, so the bars stand apart instead of merging into one block.

Pagination: body text flows freely (widow control off, as 公文 fill every page's 22 lines);
only headings keep with what follows (the template's heading styles), a chart (caption and
rows) and table 四 keep together so neither starts or breaks at a page's foot, and section
六 keeps with the signature and date. The 勾稽 failures and the county office's warnings,
when there are any, follow on a page of their own marked to be removed before filing.
"""
from __future__ import annotations

import io
from copy import deepcopy
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from publisher.texts import report as texts

from .build import Report
from .consistency import violations
from .cover_letter import CoverLetter
from .layout import appeal_result_labels, appeal_values, application_column_labels, application_rows, article20_blocks
from .outline import intro, other_text, overview_paragraphs, problems_paragraphs

TITLE_SIZE = 22  # 2号
BODY_SIZE = 16  # 3号
FOOTER_SIZE = 14  # 4号
TEXT_WIDTH_PT = (21 - 2.8 - 2.6) / 2.54 * 72  # the measure: A4 less the margins of _page_setup
SIGNATURE_INDENT = 2 * BODY_SIZE  # the date ends two characters in from the right margin
BAR_AREA_TWIPS = 6236  # 11 cm: the bars' area, beside the label and count columns
BAR_FILL = "4F6F8F"  # prints as a mid grey in black and white
BAR_ROW = Pt(13)  # a chart row: the bar and the white gap above and below it; low enough that both charts of a year fit under section 一 on one page
BAR_GAP = 16  # eighths of a point of white border at a bar's top and bottom: 2pt + 2pt
AXIS = 6  # eighths of a point: the thin black line the bars start from


def render_docx(report: Report) -> bytes:
    document = Document()
    _page_setup(document.sections[0])
    _styles(document)
    _properties(document, report)

    _cover_letter(document, report.cover_letter)
    report_section = document.add_section(WD_SECTION.NEW_PAGE)
    _footer_page_numbers(document, report_section)

    whole = "".join(report.title_lines)
    _title(document, (whole,) if text_width(whole, TITLE_SIZE) <= TEXT_WIDTH_PT else report.title_lines)
    _paragraph(document, intro(report), indent=True)

    s = texts.SECTION_TITLES
    document.add_heading(s["overview"], level=1)
    for heading, text in overview_paragraphs(report):
        _paragraph(document, text, run_in=heading, indent=True)
    _charts(document, report)

    document.add_heading(s["proactive"], level=1)
    _article20_table(document, report)
    document.add_heading(s["applications"], level=1)
    _applications_table(document, report)
    document.add_heading(s["appeals"], level=1)
    _appeals_table(document, report)

    document.add_heading(s["problems"], level=1)
    for heading, text in problems_paragraphs(report):
        if heading:
            document.add_heading(heading, level=2)
        else:
            _paragraph(document, text, indent=True)
    document.add_heading(s["other"], level=1)
    # 六 (its heading keeps with it by style), the signature and the date keep together: a
    # page never starts with the signature alone.
    _paragraph(document, other_text(report), indent=True).paragraph_format.keep_with_next = True
    _paragraph(document, "").paragraph_format.keep_with_next = True
    _signature(document, report.account_display_name, report.cover_letter.date_text)
    _findings_page(document, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _properties(document, report: Report) -> None:
    """File → Properties names the township, not python-docx's template."""
    properties = document.core_properties
    properties.author = properties.last_modified_by = report.account_display_name
    properties.title = report.title
    properties.subject = texts.DOCUMENT_SUBJECT
    properties.keywords = properties.comments = properties.category = ""
    properties.language = "zh-CN"


def _cover_letter(document, letter: CoverLetter) -> None:
    """The 上报函 on its own page: 文号, title (issuer, then the template's lines), addressee,
    one sentence, and the issuer centred over the date (GB/T 9704 7.3.5)."""
    _paragraph(document, "")
    _paragraph(document, letter.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    _title(document, (letter.issuer, *letter.title_lines))
    _paragraph(document, letter.addressee)
    _paragraph(document, letter.body, indent=True)
    _paragraph(document, "")
    _paragraph(document, "")
    _signature(document, letter.issuer, letter.date_text)


def _signature(document, issuer: str, date_text: str) -> None:
    """The issuer centred over the date, the date two characters in from the right margin."""
    date_width = text_width(date_text, BODY_SIZE)
    issuer_width = text_width(issuer, BODY_SIZE)
    signer = _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Pt(SIGNATURE_INDENT + max(0.0, (date_width - issuer_width) / 2))
    signer.paragraph_format.keep_with_next = True
    signed = _paragraph(document, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed.paragraph_format.right_indent = Pt(SIGNATURE_INDENT + max(0.0, (issuer_width - date_width) / 2))


def _title(document, lines) -> None:
    """The title in lines broken between words (GB/T 9704 7.3.3): each line is one run after a
    line break, and a line too long for the measure is set smaller rather than wrapped, so a
    word (「工作」) is never split over two lines."""
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(lines):
        if index:
            title.add_run().add_break()
        run = title.add_run(line)
        size = fitting_size(line, TITLE_SIZE, TEXT_WIDTH_PT)
        if size < TITLE_SIZE:
            run.font.size = Pt(size)


def text_width(text: str, size: float) -> float:
    """Points a line of text takes: CJK and full-width characters one em, the rest half."""
    return sum(size if ord(ch) > 0x2E7F else size / 2 for ch in text)


def fitting_size(line: str, size: float, width: float) -> float:
    """The title size, or the largest half point under it at which the line fits the measure."""
    while size > 10 and text_width(line, size) > width:
        size -= 0.5
    return size


def _findings_page(document, report: Report) -> None:
    """勾稽 failures and the county office's warnings, on a page of their own after the
    signature: the report above prints as is, and this page is marked to be removed."""
    found = violations(report.checks)
    if not found and not report.warnings:
        return
    document.add_section(WD_SECTION.NEW_PAGE)
    _paragraph(document, texts.FILING_CHECKS_PAGE_NOTE)
    if found:
        document.add_heading(texts.CHECKS_HEADING, level=2)
        for line in found:
            _paragraph(document, line)
    if report.warnings:
        document.add_heading(texts.FILING_CHECKS_HEADING, level=2)
        for line in report.warnings:
            _paragraph(document, line)


# -- page, styles, footer ----------------------------------------------------------------


def _page_setup(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def set_font(target, name: str) -> None:
    """Name the font for Latin and East Asian text: python-docx sets only the Latin one."""
    target.font.name = name
    r_pr = target.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), name)


def _styles(document) -> None:
    styles = document.styles
    for style_name, font, size, bold in (
        ("Normal", texts.FONT_BODY, BODY_SIZE, False),
        ("Title", texts.FONT_TITLE, TITLE_SIZE, False),
        ("Heading 1", texts.FONT_HEADING, BODY_SIZE, False),
        ("Heading 2", texts.FONT_SUBHEADING, BODY_SIZE, False),
    ):
        style = styles[style_name]
        set_font(style, font)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = Pt(28)
    # Widow control (on in the template) moved a 3-line paragraph with room for 2 at a page's
    # foot whole to the next page, leaving page 1's last lines empty; 公文 fill every line.
    styles["Normal"].paragraph_format.widow_control = False
    title = styles["Title"]
    title.paragraph_format.space_after = Pt(16)
    title.paragraph_format.line_spacing = Pt(36)
    for border in title.element.xpath(".//w:pBdr"):
        border.getparent().remove(border)


def _footer_page_numbers(document, section) -> None:
    """「— 1 —」 at the outside corners, one character in (GB/T 9704 7.5): odd pages right,
    even pages left, counted from the report's first page; the cover letter has none."""
    document.settings.odd_and_even_pages_header_footer = True
    number_type = OxmlElement("w:pgNumType")
    number_type.set(qn("w:start"), "1")
    cols = section._sectPr.find(qn("w:cols"))
    if cols is not None:  # the schema's order: pgNumType before cols
        cols.addprevious(number_type)
    else:
        section._sectPr.append(number_type)
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        _page_number(footer.paragraphs[0], align, side)


def _page_number(paragraph, align, side: str) -> None:
    paragraph.alignment = align
    setattr(paragraph.paragraph_format, f"{side}_indent", Pt(FOOTER_SIZE))
    before, _, after = texts.PAGE_FOOTER.partition("{page}")
    paragraph.add_run(before)
    run = paragraph.add_run()
    for kind, instruction in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = "1"
        run._r.append(element)
    paragraph.add_run(after)
    for r in paragraph.runs:
        set_font(r, texts.FONT_TABLE)
        r.font.size = Pt(FOOTER_SIZE)


def _paragraph(document, text: str, *, run_in: str | None = None, indent: bool = False, align=None):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)
    if align is not None:
        paragraph.alignment = align
    if run_in:
        run = paragraph.add_run(run_in)
        set_font(run, texts.FONT_SUBHEADING)
    paragraph.add_run(text)
    return paragraph


# -- the national tables ------------------------------------------------------------------


def _table(document, rows: int, columns: int):
    table = document.add_table(rows=rows, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _put(cell, value, *, bold: bool = False, size: float = 10.5) -> None:
    """The cell's one paragraph: the value centred in the table font. Copied from a finished
    paragraph per style: python-docx's setters look each child up by XPath, and the tables
    and charts put several hundred cells."""
    tc = cell._tc
    for child in tc.findall(qn("w:p")) + tc.findall(qn("w:tbl")):
        tc.remove(child)
    paragraph = deepcopy(_cell_paragraph(bold, size))
    text = paragraph.find(f"{qn('w:r')}/{qn('w:t')}")
    if str(value):
        text.text = str(value)
    else:  # as python-docx writes an empty run: no w:t
        text.getparent().remove(text)
    tc.append(paragraph)


@lru_cache(maxsize=None)
def _cell_paragraph(bold: bool, size: float):
    paragraph = Paragraph(OxmlElement("w:p"), None)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run("0")
    set_font(run, texts.FONT_TABLE)
    run.font.size = Pt(size)
    run.font.bold = bold
    return paragraph._p


def _cell(table, row: int, column: int):
    """The cell at (row, column). python-docx's `Table.cell()` rebuilds the whole table's grid
    on every call (seconds over a chart's few hundred cells); a row's cells cost one row."""
    return table.rows[row].cells[column]


def _merge(table, top: int, left: int, bottom: int, right: int, value, **style) -> None:
    cell = _cell(table, top, left)
    if (bottom, right) != (top, left):
        cell = cell.merge(_cell(table, bottom, right))
    _put(cell, value, **style)


def _article20_table(document, report: Report) -> None:
    blocks = article20_blocks(report.tables)
    table = _table(document, sum(2 + len(b.rows) for b in blocks), 4)
    row = 0
    for block in blocks:
        _merge(table, row, 0, row, 3, block.heading, bold=True)
        _put(_cell(table, row + 1, 0), block.columns[0], bold=True)
        if len(block.columns) == 2:
            _merge(table, row + 1, 1, row + 1, 3, block.columns[1], bold=True)
        else:
            for i, label in enumerate(block.columns[1:], start=1):
                _put(_cell(table, row + 1, i), label, bold=True)
        for offset, (label, values) in enumerate(block.rows, start=2):
            _put(_cell(table, row + offset, 0), label)
            if len(values) == 1:
                _merge(table, row + offset, 1, row + offset, 3, values[0])
            else:
                for i, value in enumerate(values, start=1):
                    _put(_cell(table, row + offset, i), value)
        row += 2 + len(block.rows)


def _applications_table(document, report: Report) -> None:
    rows = application_rows(report.tables)
    columns = application_column_labels()
    header = 3
    table = _table(document, header + len(rows), 3 + len(columns))
    size = 8
    _merge(table, 0, 0, 2, 2, texts.APPLICATIONS_CORNER, size=size)
    _merge(table, 0, 3, 0, 2 + len(columns), texts.APPLICANT_HEADER, bold=True, size=size)
    _merge(table, 1, 3, 2, 3, columns[0], size=size)
    _merge(table, 1, 4, 1, 8, texts.APPLICANT_GROUP, size=size)
    for i, label in enumerate(columns[1:-1], start=4):
        _put(_cell(table, 2, i), label, size=size)
    _merge(table, 1, 9, 2, 9, columns[-1], size=size)

    result_rows = [i for i, r in enumerate(rows) if r.outer]
    _merge(table, header + result_rows[0], 0, header + result_rows[-1], 0, texts.RESULTS, size=size)
    i = 0
    while i < len(rows):
        r = rows[i]
        at = header + i
        if r.group:
            members = [j for j, m in enumerate(rows) if m.group == r.group]
            _merge(table, at, 1, header + members[-1], 1, r.group, size=size)
            for j in members:
                _put(_cell(table, header + j, 2), rows[j].label, size=size)
                _values(table, header + j, rows[j].values, size)
            i = members[-1] + 1
            continue
        _merge(table, at, 0 if not r.outer else 1, at, 2, r.label, size=size)
        _values(table, at, r.values, size)
        i += 1
    _fixed_widths(table, [Cm(1.5), Cm(1.7), Cm(5.0)] + [Cm(1.06)] * len(columns))
    _repeat_header(table, header)


def _repeat_header(table, rows: int) -> None:
    """A table broken over two pages shows its header again on the second."""
    for row in table.rows[:rows]:
        marker = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(marker)


def _values(table, row: int, values, size) -> None:
    cells = table.rows[row].cells
    for k, value in enumerate(values, start=3):
        _put(cells[k], value, size=size)


def _appeals_table(document, report: Report) -> None:
    results = appeal_result_labels()
    table = _table(document, 4, 15)
    size = 8
    kinds = list(texts.CASE_KINDS.values())
    _merge(table, 0, 0, 0, 4, texts.RECONSIDERATION, bold=True, size=size)
    _merge(table, 0, 5, 0, 14, texts.LITIGATION, bold=True, size=size)
    for i, label in enumerate(results):
        _merge(table, 1, i, 2, i, label, size=size)
    _merge(table, 1, 5, 1, 9, kinds[1], size=size)
    _merge(table, 1, 10, 1, 14, kinds[2], size=size)
    for i, label in enumerate(results * 2, start=5):
        _put(_cell(table, 2, i), label, size=size)
    for i, value in enumerate(appeal_values(report.tables)):
        _put(_cell(table, 3, i), value, size=size)
    _fixed_widths(table, [Cm(1.04)] * 15)
    _keep_together(table)  # four rows: split, its headers sat at one page's foot and its figures on the next


# -- charts ---------------------------------------------------------------------------------


def _charts(document, report: Report) -> None:
    p = report.proactive
    if p.total == 0:
        return
    _bar_chart(document, texts.CHART_BY_TOPIC.format(year=report.year), texts.CHART_TOPIC, list(p.by_topic.items()))
    months = [(texts.MONTH_LABEL.format(month=int(k[5:])), n) for k, n in p.by_month.items()]
    _bar_chart(document, texts.CHART_BY_MONTH.format(year=report.year), texts.CHART_MONTH, months)


def _bar_chart(document, caption: str, label_header: str, items: list[tuple[str, int]]) -> None:
    """A horizontal bar chart: label, count, and a bar as long as the count to the twip.

    A bar is one shaded cell spanning grid columns whose edges are the bars' ends: the grid
    has a column edge at every distinct bar length, so 14 and 13 items end at different edges
    (a fixed number of shaded cells drew both as the same few cells)."""
    heading = _paragraph(document, caption, align=WD_ALIGN_PARAGRAPH.CENTER)
    heading.runs[0].font.size = Pt(12)
    heading.runs[0].font.bold = True
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.line_spacing = Pt(18)  # a 12pt caption needs no body line's 28pt
    heading.paragraph_format.keep_with_next = True
    ends = bar_ends([count for _, count in items], BAR_AREA_TWIPS)
    edges = sorted({end for end in ends if end > 0})
    segments = [b - a for a, b in zip([0, *edges], edges)]
    table = document.add_table(rows=1 + len(items), cols=2 + len(segments))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _put(_cell(table, 0, 0), label_header, bold=True, size=9)
    _put(_cell(table, 0, 1), texts.CHART_COUNT, bold=True, size=9)
    _merge(table, 0, 2, 0, 1 + len(segments), "", size=9)
    for row, ((label, count), end) in enumerate(zip(items, ends), start=1):
        cells = table.rows[row].cells
        _put(cells[0], label, size=9)
        _put(cells[1], count, size=9)
        reach = edges.index(end) + 1 if end > 0 else 0  # grid columns the bar covers
        parts = [(cells[2], cells[1 + reach], True)] if reach else []
        if reach < len(segments):
            parts.append((cells[2 + reach], cells[1 + len(segments)], False))
        for index, (first, last, filled) in enumerate(parts):
            cell = first.merge(last) if first is not last else first
            _put(cell, "", size=9)
            borders = {"top": ("single", BAR_GAP, "FFFFFF"), "bottom": ("single", BAR_GAP, "FFFFFF")}
            if index == 0:
                borders["left"] = ("single", AXIS, "000000")
            _borders(cell, borders)
            if filled:
                _shade(cell, BAR_FILL)
    for row in table.rows:
        row.height = BAR_ROW
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _keep_together(table)
    _fixed_widths(table, [Cm(2.6), Cm(1.4)] + [Twips(w) for w in segments])
    _zero_cell_margins(table, sides=("top", "bottom"))


def _keep_together(table) -> None:
    """The table on one page: no row splits, and every row but the last keeps with the next."""
    for index, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if index < len(table.rows) - 1:
            for tc in row._tr.tc_lst:
                for p in tc.iterchildren(qn("w:p")):
                    p.get_or_add_pPr().keepNext_val = True


def bar_ends(counts: list[int], area: int) -> list[int]:
    """Where each bar ends, in twips from the axis: the largest count fills the area."""
    peak = max(counts, default=0) or 1
    return [round(count / peak * area) for count in counts]


def _borders(cell, sides: dict[str, tuple[str, int, str]]) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            kind, size, color = sides[side]
            border = OxmlElement(f"w:{side}")
            border.set(qn("w:val"), kind)
            border.set(qn("w:sz"), str(size))
            border.set(qn("w:space"), "0")
            border.set(qn("w:color"), color)
            borders.append(border)
    tc_pr.append(borders)


def _zero_cell_margins(table, sides) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in sides:
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))  # Word wants tblCellMar before tblLook
    if look is None:
        tbl_pr.append(margins)
    else:
        look.addprevious(margins)


def _fixed_widths(table, widths) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: set both, with a fixed layout."""
    table.autofit = False  # <w:tblLayout w:type="fixed"/>, in its place in the schema's order
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            start = sum(c.grid_span for c in row._tr.tc_lst[:row._tr.tc_lst.index(tc)])
            tc.width = sum(widths[start:start + span], Cm(0))


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
