import re
from pathlib import Path

from publisher.background.jobs import HANDLERS

ROOT = Path(__file__).resolve().parents[3]


def test_every_task_kind_queued_anywhere_has_a_handler_in_every_runner():
    # A kind without a handler in the worker would fail there as "no handler" and be lost.
    queued = set()
    for path in [*ROOT.glob("publisher/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"enqueue\((?:[^()]|\([^()]*\))*\)", source, re.S):
            queued.update(re.findall(r'kind="([a-z_]+)"', call.group(0)))
    assert queued, "no enqueue(kind=...) calls found: the scan is broken"
    assert queued <= set(HANDLERS), queued - set(HANDLERS)
