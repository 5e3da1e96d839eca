"""Benchmark: the report files (JSON, DOCX, XLSX) of one account-year of N ledger rows.

    .venv/bin/python bench/report_formats_bench.py                 # 10k and 100k rows
    .venv/bin/python bench/report_formats_bench.py --sizes 1000000 --kinds bare-openpyxl xlsx --rounds 2

Each figure is one child process (so its peak RSS is its own): it opens a new session,
builds the report (`build_report`, with the ledger rows for the XLSX) and renders it. The
limits beside them: the bare aggregate SQL the JSON rests on, and bare openpyxl writing the
XLSX ledger sheet's columns from a Core query in write-only mode (the least any XLSX of
those rows can cost). Rounds are interleaved; min and median are printed.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2024
OFFLINE = ["三务公开栏", "广播", "会议", "政府网站"]
KINDS = ["bare-sql", "json", "docx", "bare-openpyxl", "bare-both-sheets", "xlsx"]
# What each kind is held against: the XLSX against the ledger sheet alone (the limit)
# and against the same two long sheets it writes (the ledger and the reads sheet).
LIMITS = {"json": ("bare-sql",), "xlsx": ("bare-openpyxl", "bare-both-sheets")}


def load(url: str, rows: int) -> None:
    from sqlalchemy import insert

    from publisher.db import make_engine
    from publisher.migrate import upgrade
    from publisher.models import WECHAT_CHANNEL, Account, LedgerEntry, Topic
    from publisher.settings import settings_from_mapping

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    topics = [t.name for t in settings_from_mapping({}, {}).topics]  # the committed config/topics.toml
    rng = random.Random(5)
    with engine.begin() as conn:
        conn.execute(insert(Account), [{"id": 1, "name": "default", "display_name": "优干宁镇人民政府",
                                         "appid": "wxbench00000001", "mode": "freepublish", "created_at": now}])
        conn.execute(insert(Topic), [{"account_id": 1, "name": n, "keywords": [], "position": i, "active": True}
                                     for i, n in enumerate(topics)])
    batch = []
    for n in range(rows):
        day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
        at = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
        batch.append({"account_id": 1, "channel": WECHAT_CHANNEL if rng.random() < 0.75 else rng.choice(OFFLINE),
                      "topic": rng.choice(topics), "topic_guessed": False, "title": f"工作动态{n}",
                      "url": f"https://mp.weixin.qq.com/s/{n:012d}", "published_at": at, "disclosed_on": day,
                      "source": "publish", "deleted_at": None, "created_by": "bench", "created_at": now})
        if len(batch) == 50_000:
            with engine.begin() as conn:
                conn.execute(insert(LedgerEntry), batch)
            batch.clear()
    if batch:
        with engine.begin() as conn:
            conn.execute(insert(LedgerEntry), batch)
    engine.dispose()


def child(kind: str, url: str) -> None:
    """One measurement, printed as JSON: seconds and this process's peak RSS."""
    from publisher.db import make_engine, make_session_factory, read_only
    from publisher.models import Account
    from publisher.settings import settings_from_mapping

    engine = make_engine(url)
    factory = read_only(make_session_factory(engine))  # as the console and the CLI read a report
    with factory() as session:  # connect and warm the imports outside the timing
        session.get(Account, 1)
    import docx  # noqa: F401
    import openpyxl  # noqa: F401

    import stats.report.render_docx  # noqa: F401
    import stats.report.render_xlsx  # noqa: F401
    from stats.report.build import build_report
    from stats.report.render import render, write

    settings = settings_from_mapping({}, {})  # the committed config/ files, read before the timing

    started = time.perf_counter()
    if kind == "bare-sql":
        from sqlalchemy import text

        from stats.queries import AGGREGATE, aggregate_params

        # The statement the report runs: its year and the year before (the year-on-year checks).
        sql = str(AGGREGATE.params(aggregate_params(1, YEAR - 1, YEAR)).compile(
            engine, compile_kwargs={"literal_binds": True}))
        with factory() as session:
            size = len(session.execute(text(sql)).all())
    elif kind in ("bare-openpyxl", "bare-both-sheets"):
        size = bare_openpyxl(factory, reads_sheet=kind == "bare-both-sheets")
    elif kind == "xlsx":
        with factory() as session, tempfile.TemporaryFile() as file:
            # Into a file, as `govpost report --out` and the console write it; it streams its
            # ledger rows through the session.
            report = build_report(session, session.get(Account, 1), YEAR, settings=settings, with_entries=True)
            write(report, kind, file)
            size = file.tell()
    else:
        with factory() as session:
            report = build_report(session, session.get(Account, 1), YEAR, settings=settings)
            size = len(render(report, kind))
    seconds = time.perf_counter() - started
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent through
    # fork and exec, so it showed the loading parent's peak for every child alike.
    peak = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:")) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "bytes": size}))


def bare_openpyxl(factory, *, reads_sheet: bool) -> int:
    """Bare openpyxl in write-only mode: the XLSX's ledger sheet (and with `reads_sheet`, its
    reads sheet too, from the report's own query) written from Core rows, no styling or checks:
    the least any XLSX of those rows can cost. Saved into a file, as the XLSX is."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from publisher.models import LedgerEntry
    from stats.reach import YearArticles

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    columns = (LedgerEntry.disclosed_on, LedgerEntry.channel, LedgerEntry.topic, LedgerEntry.title,
               LedgerEntry.url, LedgerEntry.source, LedgerEntry.topic_guessed, LedgerEntry.deleted_at)
    with factory() as session:  # Core rows, as the report reads them: the least any reader costs
        connection = session.connection()
        for row in connection.execute(
                select(*columns).where(LedgerEntry.account_id == 1).order_by(LedgerEntry.published_at, LedgerEntry.id)
                .execution_options(yield_per=5000)):
            sheet.append([row[0], row[1], row[2], row[3], row[4] or "", row[5], "是" if row[6] else "否",
                          "是" if row[7] else "否"])
        if reads_sheet:
            sheet = book.create_sheet("阅读")
            statement = YearArticles(session, 1, YEAR).statement().execution_options(yield_per=5000)
            for day, title, url, _, mode, reads, users, shares, through in connection.execute(statement):
                sheet.append([day, title, url or "", reads, users, shares, through,
                              "" if reads is not None else "未提供" if mode != "mass" else "未到"])
    with tempfile.TemporaryFile() as file:
        book.save(file)
        return file.tell()


def measure(kind: str, url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, url], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS)
    parser.add_argument("--url", help="an empty database to load (PostgreSQL); one size only. "
                        "Default: a new SQLite file per size")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    kinds = args.kinds
    if args.url and len(args.sizes) > 1:
        parser.error("--url takes one size")
    print(f"report files: one account-year; {args.rounds} interleaved rounds, each a fresh process; "
          "seconds min/median; peak RSS median")
    for rows in args.sizes:
        with tempfile.TemporaryDirectory(prefix="govpost-bench-") as tmp:
            url = args.url or f"sqlite:///{tmp}/report.db"
            load(url, rows)
            results: dict[str, list[dict]] = {k: [] for k in kinds}
            for _ in range(args.rounds):
                for kind in kinds:
                    results[kind].append(measure(kind, url))
        med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
        for kind in kinds:
            times = [r["seconds"] for r in results[kind]]
            peak = statistics.median(r["peak_mb"] for r in results[kind])
            ratio = "  ".join(f"ratio {med[kind] / med[limit]:5.2f} to {limit}"
                              for limit in LIMITS.get(kind, ()) if limit in med)
            print(f"  {rows:>9,} rows  {kind:<16} {min(times):8.3f} / {statistics.median(times):8.3f} s  "
                  f"peak {peak:7.1f} MB  {ratio}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
