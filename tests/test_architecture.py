"""The layers of docs/architecture.md hold: what may import what, and the two state machines
as the page draws them (datasette's way: a doc that drifts from the code fails a test)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from publisher.lifecycle import TRANSITIONS as POST_TRANSITIONS
from publisher.publishing.states import TRANSITIONS as BUNDLE_TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def importers(files: list[Path], *roots: str) -> list[str]:
    return [f"{p.relative_to(ROOT)}: {m}" for p in files for m in sorted(imported_modules(p))
            if m.split(".")[0] in roots]


def test_the_core_imports_no_framework_no_database_and_no_network():
    assert importers(python_files("publisher/core"), "sqlalchemy", "flask", "wechatpy", "requests", "redis") == []


def test_only_the_wechat_adapter_and_the_sandbox_import_wechatpy():
    outside = [p for p in python_files("bot", "publisher", "stats")
               if not p.is_relative_to(ROOT / "publisher" / "wechat") and not p.is_relative_to(ROOT / "publisher" / "sandbox")]
    assert importers(outside, "wechatpy") == []


def test_nothing_in_publisher_or_stats_imports_bot():
    assert importers(python_files("publisher", "stats"), "bot") == []


def _rows(heading: str) -> set[tuple[str, str, str]]:
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = set()
    for line in section.splitlines():
        cells = [c.strip(" `") for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and not set(cells[0]) <= {"-"} and cells[0] != "from":
            rows.add(tuple(cells))
    return rows


@pytest.mark.parametrize(("heading", "transitions"), [
    ("## A post's life", POST_TRANSITIONS),
    ("## A bundle's life", BUNDLE_TRANSITIONS),
], ids=["post", "bundle"])
def test_the_state_tables_of_the_page_are_the_code_s(heading, transitions):
    code = {(start.value, event.value, end.value) for (start, event), end in transitions.items()}
    assert _rows(heading) == code
