"""Named points where a test can make the process die as if killed.

The kill tests must crash the worker right after each step's commit; timing a SIGKILL
from outside cannot hit those instants reliably. With GOVPOST_CRASH_AT unset (always, in
production) `crash_point` does nothing.
"""
from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("GOVPOST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
