"""The annual report (政府信息公开工作年度报告): built once, rendered as JSON, Markdown, DOCX, XLSX."""
from .build import Report, build_report

__all__ = ["Report", "build_report"]
