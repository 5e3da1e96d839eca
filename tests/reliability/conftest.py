"""The reliability suite (issue 16): slow, so `make test` leaves it out.

Every test here is marked `reliability` and deselected unless the marker expression asks
for it (`make test-reliability` runs `pytest -m reliability tests/reliability`). Each test
gets its own sandbox port and database (the fixtures of tests/conftest.py), so it runs
under pytest-xdist as it runs alone.

GOVPOST_SOAK=1 makes the randomised tests try more (more kills, more examples); the
seed of each randomised test is printed and can be fixed with GOVPOST_SEED.
GOVPOST_RELIABILITY_LOG=<file> appends one JSON line per case (name, class, outcome,
seed), which tests/reliability/report.py turns into docs/reliability.md.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SOAK = os.environ.get("GOVPOST_SOAK") == "1"


def _wanted(config) -> bool:
    return "reliability" in (config.getoption("markexpr") or "")


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.reliability)
    if not _wanted(config):
        skipped = set(ours)
        chosen = [item for item in items if item not in skipped]
        if len(chosen) != len(items):
            config.hook.pytest_deselected(items=ours)
            items[:] = chosen


@pytest.fixture
def seed(request) -> int:
    """A seed for a randomised test: GOVPOST_SEED if set, else a fresh one, printed either way."""
    value = int(os.environ.get("GOVPOST_SEED") or random.SystemRandom().randrange(2**31))
    print(f"\nseed={value}  (rerun: GOVPOST_SEED={value} pytest -m reliability '{request.node.nodeid}')")
    request.node.user_properties.append(("seed", value))
    return value


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    log = os.environ.get("GOVPOST_RELIABILITY_LOG")
    if not log or HERE not in Path(str(item.fspath)).resolve().parents:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        row = {"nodeid": item.nodeid, "file": Path(str(item.fspath)).name, "outcome": report.outcome,
               "duration": round(report.duration, 2), **dict(item.user_properties)}
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
