"""Benchmark: the JSON annual report for one account against the bare aggregate SQL it rests on.

    .venv/bin/python bench/report_bench.py                       # SQLite file in a temp dir
    .venv/bin/python bench/report_bench.py --postgres postgresql://postgres@127.0.0.1:5432/test

Loads a ledger of accounts × years × rows (default 100 × 10 × 1000 = 1,000,000 rows) into a
fresh database (for PostgreSQL a database of its own, dropped afterwards), then times, for one
account and one year, (a) the aggregate statement of `stats.queries` the report runs (its
year and the year before, which the county office's year-on-year checks compare), as plain
SQL text run in a new reading session (connection checkout, transaction, fetch: what any
query costs the app), and (b) a new reading session, as the console's and the CLI's, running
`build_report` + `render_json`, each the median of several runs after a warm-up. The target
is (b) within twice (a); the ratio is printed, never an exit status.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from publisher.db import database_url, make_engine, make_session_factory, read_only  # noqa: E402
from publisher.migrate import upgrade  # noqa: E402
from publisher.models import WECHAT_CHANNEL, Account, LedgerEntry, Topic  # noqa: E402
from publisher.settings import settings_from_mapping  # noqa: E402
from stats.queries import AGGREGATE, aggregate_params  # noqa: E402
from stats.report.build import build_report  # noqa: E402
from stats.report.render_json import render_json  # noqa: E402

FIRST_YEAR = 2015
OFFLINE = ["三务公开栏", "广播", "会议", "政府网站"]
SETTINGS = settings_from_mapping({}, {})  # the committed config/ files


def load(engine, accounts: int, years: int, per_year: int) -> None:
    now = datetime.now(UTC)
    topics = [t.name for t in SETTINGS.topics]
    rng = random.Random(5)
    with engine.begin() as conn:
        conn.execute(insert(Account), [
            {"id": a, "name": f"town{a}", "display_name": f"第{a}镇人民政府", "appid": f"wxbench{a:08d}",
             "mode": "freepublish", "created_at": now} for a in range(1, accounts + 1)])
        conn.execute(insert(Topic), [
            {"account_id": a, "name": name, "keywords": [], "position": i, "active": True}
            for a in range(1, accounts + 1) for i, name in enumerate(topics)])
    batch = []
    started = time.perf_counter()
    for a in range(1, accounts + 1):
        for y in range(FIRST_YEAR, FIRST_YEAR + years):
            for n in range(per_year):
                day = date(y, 1, 1) + timedelta(days=rng.randrange(365))
                at = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
                batch.append({
                    "account_id": a, "channel": WECHAT_CHANNEL if rng.random() < 0.75 else rng.choice(OFFLINE),
                    "topic": rng.choice(topics), "topic_guessed": False, "title": f"动态{n}", "published_at": at,
                    "disclosed_on": day, "source": "publish", "deleted_at": at if rng.random() < 0.01 else None,
                    "created_by": "bench", "created_at": now})
            if len(batch) >= 50_000:
                _flush(engine, batch)
        if sys.stderr.isatty():  # a progress line, not a thousand lines in a log
            print(f"\r  loaded {a * years * per_year:,} rows", end="", file=sys.stderr, flush=True)
    _flush(engine, batch)
    print(f"\r  loaded {accounts * years * per_year:,} rows in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def _flush(engine, batch: list) -> None:
    if not batch:
        return
    with engine.begin() as conn:
        conn.execute(insert(LedgerEntry), batch)
    batch.clear()


def medians_ms(runs: list, repeat: int) -> list[float]:
    """Median time of each run, interleaved so that load on the machine hits all alike."""
    for run in runs:
        run()  # warm-up: caches, prepared plans
    timings: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, times in zip(runs, timings):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
    return [statistics.median(times) for times in timings]


def measure(url: str, account_id: int, year: int, repeat: int) -> tuple[float, float, int]:
    engine = make_engine(url)
    compiled = AGGREGATE.params(aggregate_params(account_id, year - 1, year)).compile(
        engine, compile_kwargs={"literal_binds": True})
    sql = str(compiled)

    factory = read_only(make_session_factory(engine))

    def bare() -> int:
        with factory() as session:
            return len(session.execute(text(sql)).all())

    def report() -> bytes:
        with factory() as session:
            account = session.get(Account, account_id)
            return render_json(build_report(session, account, year, settings=SETTINGS))

    size = len(report())
    sql_ms, report_ms = medians_ms([bare, report], repeat)
    engine.dispose()
    return sql_ms, report_ms, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL (a database is created and dropped)")
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-year", type=int, default=1000, help="ledger rows per account and year")
    parser.add_argument("--repeat", type=int, default=51)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            server = database_url(args.postgres)
            name = f"govpost_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = server.set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp}/bench.db"
        try:
            engine = make_engine(url)
            upgrade(engine)
            load(engine, args.accounts, args.years, args.per_year)
            engine.dispose()
            account_id, year = args.accounts // 2, FIRST_YEAR + args.years - 1
            sql_ms, report_ms, size = measure(url, account_id, year, args.repeat)
        finally:
            if args.postgres:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    rows = args.accounts * args.years * args.per_year
    backend = "PostgreSQL" if args.postgres else "SQLite"
    ratio = report_ms / sql_ms
    print(f"{backend}: {rows:,} ledger rows; one account, one year ({args.per_year} rows)")
    print(f"  bare aggregate SQL   {sql_ms:8.2f} ms (median of {args.repeat}; the year and the one before)")
    print(f"  JSON report          {report_ms:8.2f} ms (median of {args.repeat}; {size:,} bytes)")
    print(f"  ratio                {ratio:8.2f}  (target <= 2.00{'' if ratio <= 2 else ': not met'})")
    return 0  # a benchmark reports; a busy machine is no failure (docs/benchmarks.md)


if __name__ == "__main__":
    sys.exit(main())
