"""The editable narrative of the report (config/report_template.toml), filled with figures.

A misspelt placeholder is refused by name, so a township that edits the template learns what
it broke when it runs the report, not from the county's reply.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Mapping

TEMPLATE_FILE = "report_template.toml"


class TemplateError(Exception):
    pass


def load_template(config_dir: Path) -> dict[str, dict[str, str]]:
    path = config_dir / TEMPLATE_FILE
    try:
        return _parsed(path, path.stat().st_mtime_ns)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path}: {exc}") from None


@lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int) -> dict[str, dict[str, str]]:
    """Parsed once per version of the file (callers only read it)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


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
