"""What the browser tests share: Debian's chromium (never a downloaded one), the two
window sizes, the marks, and where screenshots go."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent / "screenshots"
DOCS = Path(__file__).resolve().parents[2] / "docs"
PASSWORD = "correct-horse-9"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    # In CI the browser must be there: a missing one fails instead of skipping.
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                       reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


def shot(page, name: str, *, keep: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if keep and os.environ.get("GOVPOST_UPDATE_DOCS"):
        shutil.copy(path, DOCS / f"console-{name}.png")
