"""How much of a webhook request runs while it holds SQLite's write lock.

    .venv/bin/python bench/webhook_lock.py       # a few seconds

Both gunicorn workers queue on one write lock (publisher.db: BEGIN IMMEDIATE, behind a lock
the threads share and an flock the processes share), so the share of a request's work done
while holding it bounds how far two workers can run side by side: at a share s, the lock
alone caps the throughput at 1/s requests per request-time, whatever the cores. This is the
profile behind docs/benchmarks.md's account of the webhook's ratios.

Measured in this one thread, with the requests of bench/webhook_cost.py (same scenarios, same
app): this thread's CPU time per request, and its CPU time between taking the lock (the
first BEGIN IMMEDIATE of the request) and giving it back (COMMIT or ROLLBACK). Thread CPU
time, not the clock: other load on the machine barely moves it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import publisher.db as db  # noqa: E402
from bench.webhook_cost import SCENARIOS, WARM, build_app, call, requests_for  # noqa: E402


class LockClock:
    """Adds up this thread's CPU time while the writer lock is held (outermost hold only)."""

    def __init__(self) -> None:
        self.held = 0.0
        self._since = 0.0
        acquire, release = db._WriterLock.acquire, db._WriterLock.release

        def timed_acquire(lock) -> None:
            acquire(lock)
            if lock.depth == 1:
                self._since = time.thread_time()

        def timed_release(lock) -> None:
            if lock.depth == 1:
                self.held += time.thread_time() - self._since
            release(lock)

        db._WriterLock.acquire, db._WriterLock.release = timed_acquire, timed_release


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="requests measured per scenario")
    args = parser.parse_args()
    clock = LockClock()
    print("webhook: CPU per request, and the part of it spent holding SQLite's write lock (one thread)")
    for scenario in SCENARIOS:
        with tempfile.TemporaryDirectory(prefix="govpost-lock-") as tmp:
            app = build_app("govpost", scenario, Path(tmp))
            sent = requests_for(scenario, WARM + args.count)
            for query, body in sent[:WARM]:
                call(app, query, body)
            clock.held = 0.0
            started = time.thread_time()
            for query, body in sent[WARM:]:
                call(app, query, body)
            total = time.thread_time() - started
        share = clock.held / total
        print(f"  {scenario:<14} {total / args.count * 1e6:6.0f} µs a request, {clock.held / args.count * 1e6:6.0f} µs "
              f"holding the lock ({share:4.0%}): two workers at most {min(2, 1 / share):4.2f}× one", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
