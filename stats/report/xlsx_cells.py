"""Cells of the report's workbook that hold what people typed or imported."""
from __future__ import annotations

from openpyxl.cell import WriteOnlyCell


def inert(sheet, values: list) -> list:
    """The row with every string kept a string. openpyxl writes a string that starts with "="
    as a formula, so a ledger title typed or imported as =HYPERLINK(…) would become a live
    formula in the secretary's spreadsheet program."""
    return [_text(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in values]


def _text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
