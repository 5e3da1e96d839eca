"""Renderer by format name; the heavy ones (DOCX, XLSX) are imported only when asked for."""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # the types only: importing them loads SQLAlchemy
    from .build import Report

FORMATS = {
    "json": ("stats.report.render_json", "render_json"),
    "md": ("stats.report.render_markdown", "render_markdown"),
    "docx": ("stats.report.render_docx", "render_docx"),
    "xlsx": ("stats.report.render_xlsx", "render_xlsx"),
}


def render(report: Report, fmt: str) -> bytes:
    module, function = FORMATS[fmt]
    return getattr(import_module(module), function)(report)


def write(report: Report, fmt: str, out: BinaryIO) -> None:
    """The file into `out`, an open binary file. The XLSX is assembled there from its sheets'
    temporary files, so a year of any size is never in memory as a whole: as bytes it would
    be, twice (the buffer and its copy), about 110 MB at a million ledger rows."""
    if fmt == "xlsx":
        from .render_xlsx import write_xlsx

        write_xlsx(report, out)
    else:
        out.write(render(report, fmt))
