"""Render the example year's report DOCX page by page to docs/report-page-N.png.

    .venv/bin/python tools/report_pages.py      # or: make report-pages

The example year is the one the report tests load (tests/stats/conftest.py: 优干宁镇
2023, 92 WeChat articles and 30 三务公开栏 items), filed as 优政〔2024〕5号 on 2024-02-22.
LibreOffice converts the DOCX to PDF, pdftoppm the PDF to PNGs. Without a CJK font
LibreOffice draws every Chinese character as a box, so the font is installed with the tools
(apt-get, as root) when missing; the Noto CJK fonts stand in for the 仿宋_GB2312, 黑体 and
小标宋 the document names, which a township's Word or WPS has.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs"
APT_PACKAGES = ["libreoffice-writer-nogui", "poppler-utils", "fonts-noto-cjk"]
RESOLUTION = 80  # dpi: an A4 page of about 660 × 935 pixels, readable in the README
YEAR = 2023
FILED = date(2024, 2, 22)
DOC_NUMBER = 5


def tools_missing() -> bool:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    return not (shutil.which("soffice") and shutil.which("pdftoppm") and fonts.strip())


def install_tools() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES], check=True, env=env)


def example_docx(folder: Path) -> Path:
    from publisher.db import make_engine, make_session_factory, transaction
    from publisher.migrate import upgrade
    from publisher.services.accounts import account_by_name, sync_accounts
    from publisher.services.audit import CLI
    from publisher.services.ledger import add_entry
    from publisher.settings import settings_from_mapping
    from publisher.core.clock import FixedClock
    from stats.report.build import build_report
    from stats.report.cover_letter import LetterOptions
    from stats.report.render import render
    from tests.stats.conftest import EXAMPLE_BOARD, EXAMPLE_WECHAT

    beijing = ZoneInfo("Asia/Shanghai")
    url = f"sqlite:///{folder / 'example.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = settings_from_mapping(
        {"database_url": url, "secret_key": "report-pages",
         "accounts": [{"name": "default", "display_name": "优干宁镇人民政府"}]}, {})
    clock = FixedClock(datetime(2024, 2, 22, 9, 0, tzinfo=beijing))
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        sync_accounts(session, settings, clock)
        account = account_by_name(session, "default")
        for channel, topics in (("微信公众号", EXAMPLE_WECHAT), ("三务公开栏", EXAMPLE_BOARD)):
            serial = 0
            for topic, count in topics.items():
                for _ in range(count):  # spread over the year as the tests spread them
                    day = date(YEAR, 1, 1) + timedelta(days=(serial * 37) % 365)
                    serial += 1
                    add_entry(session, account_id=account.id, channel=channel, topic=topic,
                              title=f"{topic}工作动态{serial}", source="manual", actor=CLI, clock=clock,
                              published_at=datetime(day.year, day.month, day.day, 10, 0, tzinfo=beijing),
                              timezone=settings.timezone)
    with factory() as session:
        report = build_report(session, account_by_name(session, "default"), YEAR, settings=settings,
                              letter=LetterOptions(number=DOC_NUMBER, date=FILED))
        path = folder / f"report-{YEAR}.docx"
        path.write_bytes(render(report, "docx"))
    engine.dispose()
    return path


def render_pages(docx: Path) -> list[Path]:
    folder = docx.parent
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                   check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-png", str(docx.with_suffix(".pdf")), str(folder / "page")],
                   check=True)
    pages = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    for old in DOCS.glob("report-page-*.png"):
        old.unlink()
    written = []
    for number, page in enumerate(pages, start=1):
        target = DOCS / f"report-page-{number}.png"
        shutil.copy(page, target)
        written.append(target)
    return written


def main() -> int:
    if tools_missing():
        install_tools()
    with tempfile.TemporaryDirectory() as tmp:
        for page in render_pages(example_docx(Path(tmp))):
            print(page.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
