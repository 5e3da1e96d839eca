"""The editable narrative of the report (config/report_template.toml), filled with figures.

A misspelt placeholder is refused by name, so a township that edits the template learns what
it broke when it runs the report, not from the county's reply.
"""
from __future__ import annotations

from string import Formatter
from typing import Any, Mapping

# Read and shape-checked at start-up (publisher.config_files), kept as `settings.report_template`.
from publisher.config_files import REPORT_TEMPLATE_FILE as TEMPLATE_FILE


class TemplateError(Exception):
    pass


def fill(template: Mapping[str, Mapping[str, str]], figures: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    filled: dict[str, dict[str, str]] = {}
    for section, entries in template.items():
        filled[section] = {}
        for key, text in entries.items():
            unknown = [name for _, name, _, _ in Formatter().parse(text) if name and name not in figures]
            if unknown:
                raise TemplateError(f"{TEMPLATE_FILE} [{section}] {key}: unknown placeholder {{{unknown[0]}}}; "
                                    f"known: {', '.join(sorted(figures))}")
            filled[section][key] = text.format_map(figures)
    return filled
