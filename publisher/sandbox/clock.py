"""The sandbox's notion of now, which tests can move forward over HTTP.

Token expiry (2 h), temporary media (3 days), the mass-send quota (per 北京时间 day or
month) and the clientmsgid window (24 h) are all read from this clock, so tests check
them by advancing it instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


class SandboxClock:
    """A base clock (epoch seconds) plus an offset that only ever grows."""

    def __init__(self, base: Callable[[], float] | None = None) -> None:
        self._base = base or time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._base() + self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._base() + self._offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset


def beijing(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, BEIJING)
