"""The roll-up in JSON, XLSX and DOCX: one way through the plain values of build.py."""
from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from publisher.texts import county as texts

if TYPE_CHECKING:  # the types only: importing them loads SQLAlchemy
    from .build import CountyRollup, TownshipRow

FORMATS = ("json", "xlsx", "docx")


def render(rollup: CountyRollup, fmt: str) -> bytes:
    return {"json": render_json, "xlsx": render_xlsx, "docx": render_docx}[fmt](rollup)


def rollup_dict(rollup: CountyRollup) -> dict:
    return {
        "year": rollup.year,
        "title": texts.TITLE.format(year=rollup.year),
        "stale_after_days": rollup.stale_after_days,
        "accounts": [
            {
                "account": r.account_name,
                "display_name": r.display_name,
                "total": r.total,
                "by_channel": {c: r.by_channel.get(c, 0) for c in rollup.channels},
                "by_topic": {t: r.by_topic.get(t, 0) for t in rollup.topics},
                "last_wechat_article_at": r.last_wechat_article_at.isoformat() if r.last_wechat_article_at else None,
                "days_since_last_article": r.days_since_last_article,
                "findings": r.findings,
            }
            for r in rollup.rows
        ],
        "county": {"total": rollup.total, "by_channel": rollup.by_channel, "by_topic": rollup.by_topic,
                   "stale_accounts": [r.account_name for r in rollup.stale_rows]},
    }


def render_json(rollup: CountyRollup) -> bytes:
    return json.dumps(rollup_dict(rollup), ensure_ascii=False).encode("utf-8")


def _days(row: TownshipRow) -> str | int:
    return texts.NEVER if row.days_since_last_article is None else row.days_since_last_article


def _table(rollup: CountyRollup, columns: list[str], values, totals: dict[str, int]) -> list[list]:
    """Header, one row per account, the county total: the grid both XLSX and DOCX show."""
    grid = [[texts.ACCOUNT, texts.DISPLAY_NAME, *columns, texts.TOTAL]]
    for row in rollup.rows:
        grid.append([row.account_name, row.display_name, *(values(row).get(c, 0) for c in columns), row.total])
    grid.append([texts.COUNTY_TOTAL, "", *(totals.get(c, 0) for c in columns), rollup.total])
    return grid


def channel_grid(rollup: CountyRollup) -> list[list]:
    return _table(rollup, rollup.channels, lambda r: r.by_channel, rollup.by_channel)


def topic_grid(rollup: CountyRollup) -> list[list]:
    return _table(rollup, rollup.topics, lambda r: r.by_topic, rollup.by_topic)


def freshness_grid(rollup: CountyRollup) -> list[list]:
    grid = [[texts.ACCOUNT, texts.DISPLAY_NAME, texts.DAYS_SINCE, ""]]
    stale = {r.account_name for r in rollup.stale_rows}
    for row in rollup.rows:
        flag = texts.STALE.format(days=rollup.stale_after_days) if row.account_name in stale else ""
        grid.append([row.account_name, row.display_name, _days(row), flag])
    return grid


def findings_grid(rollup: CountyRollup) -> list[list]:
    grid = [[texts.ACCOUNT, texts.DISPLAY_NAME, texts.FINDINGS]]
    for row in rollup.rows:
        for finding in row.findings or [texts.NO_FINDINGS]:
            grid.append([row.account_name, row.display_name, finding])
    return grid


def render_xlsx(rollup: CountyRollup) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = [(texts.SHEET_BY_CHANNEL, channel_grid(rollup)), (texts.SHEET_BY_TOPIC, topic_grid(rollup)),
              (texts.DAYS_SINCE, freshness_grid(rollup)), (texts.SHEET_FINDINGS, findings_grid(rollup))]
    book.remove(book.active)
    for title, grid in sheets:
        sheet = book.create_sheet(title[:31])
        for line in grid:
            sheet.append(line)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_docx(rollup: CountyRollup) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(texts.TITLE.format(year=rollup.year), level=1)
    sections = [(texts.SECTION_CHANNELS, channel_grid(rollup)), (texts.SECTION_TOPICS, topic_grid(rollup)),
                (texts.SECTION_FRESHNESS.format(days=rollup.stale_after_days), freshness_grid(rollup)),
                (texts.SECTION_FINDINGS, findings_grid(rollup))]
    for heading, grid in sections:
        document.add_heading(heading, level=2)
        table = document.add_table(rows=0, cols=len(grid[0]))
        table.style = "Table Grid"
        for line in grid:
            cells = table.add_row().cells
            for cell, value in zip(cells, line):
                cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
