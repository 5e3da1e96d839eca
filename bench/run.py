"""`make bench` and `make bench-quick`: every benchmark of docs/benchmarks.md, one after another.

    .venv/bin/python bench/run.py            # all (about 30 minutes on this 2-core machine)
    .venv/bin/python bench/run.py --quick    # about a minute: for CI, figures only

Figures and ratios are printed; nothing here fails because the machine is slow or busy
(benchmarks are not tests). The exit status is not 0 only when a benchmark itself breaks.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOVPOST = str(Path(PYTHON).with_name("govpost"))


def step(title: str, args: list[str]) -> bool:
    print(f"\n## {title}\n$ {' '.join(args)}", flush=True)
    started = time.monotonic()
    done = subprocess.run(args, cwd=ROOT)
    print(f"({time.monotonic() - started:.0f} s)", flush=True)
    return done.returncode == 0


def help_start_time(rounds: int) -> None:
    print("\n## govpost --help start time", flush=True)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([GOVPOST, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    print(f"  govpost --help  {min(times):.3f} / {statistics.median(times):.3f} s (min / median of {rounds}); "
          f"target < 0.5 s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"# govpost benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}; "
          f"{platform.processor() or platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores; "
          f"Python {platform.python_version()}; load average {' '.join(load)}")
    ok = True
    help_start_time(5 if args.quick else 11)
    if args.quick:
        ok &= step("webhook (quick)", [PYTHON, "bench/webhook_bench.py", "--quick"])
        ok &= step("publishing (quick)", [PYTHON, "bench/publishing_bench.py", "--posts", "40", "--accounts", "5",
                                          "--rounds", "1"])
        ok &= step("report files (quick)", [PYTHON, "bench/report_formats_bench.py", "--sizes", "10000", "--rounds", "1"])
    else:
        ok &= step("webhook", [PYTHON, "bench/webhook_bench.py"])
        ok &= step("webhook CPU per request", [PYTHON, "bench/webhook_cost.py", "--server"])
        ok &= step("webhook calls per request (exact at any load)", [PYTHON, "bench/webhook_cost.py", "--calls"])
        ok &= step("webhook: the part of a request holding SQLite's write lock", [PYTHON, "bench/webhook_lock.py"])
        ok &= step("webhook as served: the workers' CPU a request, and the machine's idle", [
            PYTHON, "bench/webhook_served.py"])
        ok &= step("worker memory", [PYTHON, "bench/webhook_bench.py", "--memory"])
        ok &= step("webhook with every WeChat call 3 s slow", [PYTHON, "bench/webhook_bench.py", "--slow-sandbox"])
        ok &= step("publishing", [PYTHON, "bench/publishing_bench.py"])
        ok &= step("report files", [PYTHON, "bench/report_formats_bench.py"])
        # A million rows take minutes a file: the XLSX and its two limits (the ledger sheet alone, as the
        # issue measured; both long sheets, what the workbook writes), with the cheap DOCX and JSON; two rounds.
        ok &= step("report files over 1,000,000 ledger rows", [
            PYTHON, "bench/report_formats_bench.py", "--sizes", "1000000", "--kinds", "bare-sql", "json", "docx",
            "bare-openpyxl", "bare-both-sheets", "xlsx", "--rounds", "2"])
        ok &= step("JSON report over 1,000,000 ledger rows (SQLite)", [PYTHON, "bench/report_bench.py", "--repeat", "21"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
