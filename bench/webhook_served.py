"""Where a served webhook request's CPU goes: the gunicorn workers' user and system CPU per
request under wrk, wrk's own, and how idle the machine stays, for govpost and the bare app.

    .venv/bin/python bench/webhook_served.py                     # citizen and staff, SQLite
    GOVPOST_THREADS=1 .venv/bin/python bench/webhook_served.py   # one thread a worker

`webhook_cost.py` measures the WSGI call in one thread; this measures the same requests as
served (2 workers × 4 threads as shipped, wrk at 8 connections, 5 s), from /proc and
getrusage, so the part that only serving adds (threads contending for the GIL and SQLite's
writer lock, gunicorn's own work) shows beside it. A machine that stays idle while govpost is
saturated is waiting, not computing: on SQLite, on the one writer.

For citizens a third app is measured, `bench/bare_store.py`: bare Flask that also keeps the
message exactly once in SQLite (the replay key and the message in one write transaction,
queued as govpost's writers are, on the sqlite3 driver): the floor of any webhook that may
lose nothing and do nothing twice, on this machine and this server.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webhook_bench import Scenario, Server, _govpost_env, prepare, signed_requests, wrk  # noqa: E402
from publisher.settings import SANDBOX_TOKEN  # noqa: E402

SECONDS = 5


def _cpu(pid: str) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _machine() -> tuple[int, int]:
    """(idle and iowait ticks, all ticks) of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return values[3] + values[4], sum(values)


def measure(which: str, who: str, tmp: Path) -> str:
    url = f"sqlite:///{tmp}/served-{which}-{who}.db"
    if which == "govpost":
        prepare(url, "")
        server = Server("bot.wsgi:app", _govpost_env(url, ""))
    elif which == "store":
        server = Server("bench.bare_store:app", {"BENCH_TOKEN": SANDBOX_TOKEN,
                                                 "BENCH_DATABASE": f"{tmp}/served-store-{who}.db"})
    else:
        server = Server("bench.bare_flask:app", {"BENCH_TOKEN": SANDBOX_TOKEN})
    try:
        requests_file = tmp / f"served-{which}-{who}.txt"
        signed_requests(requests_file, Scenario(who, "plain", "sqlite", 8), 25000 * SECONDS, 0)
        wrk(server.url, requests_file, 8, 1)  # warm-up
        workers = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
        before, machine_before = [_cpu(pid) for pid in workers], _machine()
        load_before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        answered = wrk(server.url, requests_file, 8, SECONDS)["requests"]
        elapsed = time.monotonic() - started
        after, machine_after = [_cpu(pid) for pid in workers], _machine()
        load_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        server.stop()
    user = sum(a[0] - b[0] for a, b in zip(after, before))
    system = sum(a[1] - b[1] for a, b in zip(after, before))
    load = (load_after.ru_utime + load_after.ru_stime) - (load_before.ru_utime + load_before.ru_stime)
    idle = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
    return (f"  {who:<8} {which:<8} {answered / elapsed:6.0f} req/s | workers a request {user / answered * 1e6:5.0f} µs "
            f"user + {system / answered * 1e6:4.0f} µs system, wrk {load / answered * 1e6:4.0f} µs | "
            f"machine idle {idle * 100:3.0f} %")


def main() -> int:
    threads = os.environ.get("GOVPOST_THREADS", "4")
    print(f"webhook as served: gunicorn 2 workers × {threads} threads, wrk 8 connections, {SECONDS} s, SQLite, "
          f"plain mode; CPU from /proc; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    with tempfile.TemporaryDirectory(prefix="govpost-served-") as tmp:
        for who in ("citizen", "staff"):
            for which in ("govpost", "bare") + (("store",) if who == "citizen" else ()):
                print(measure(which, who, Path(tmp)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
