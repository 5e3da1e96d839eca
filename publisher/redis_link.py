"""The process's connection to Redis, and what it does when Redis goes away.

Redis is an accelerator here, never the only copy: tokens are also written to the database
and locks have a database form. When a Redis call fails, the link is marked down, one log
line says so, and callers use the database path; Redis is tried again after
`RETRY_AFTER`, and one line says when it is back.
"""
from __future__ import annotations

import functools
import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from publisher.core.clock import Clock, SystemClock

if TYPE_CHECKING:  # redis is imported when a link is made: without Redis, no process loads it
    from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(seconds=30)
# A Redis that does not answer must cost a second, not a webhook's whole five.
CONNECT_TIMEOUT_SECONDS = 1.0
SOCKET_TIMEOUT_SECONDS = 2.0


class RedisLink:
    def __init__(self, client, clock: Clock | None = None):
        self.client = client
        self.clock = clock or SystemClock()
        self._down_until: datetime | None = None
        self._lock = threading.Lock()

    @property
    def usable(self) -> bool:
        down_until = self._down_until
        return down_until is None or self.clock.now() >= down_until

    def lost(self, error: RedisError) -> None:
        with self._lock:
            first = self._down_until is None
            self._down_until = self.clock.now() + RETRY_AFTER
        if first:
            log.warning("Redis unreachable (%s): access tokens, locks and webhook replay keys go through the database until it is back",
                        type(error).__name__)

    def answered(self) -> None:
        if self._down_until is None:
            return
        with self._lock:
            was_down, self._down_until = self._down_until is not None, None
        if was_down:
            log.warning("Redis is back: access tokens, locks and webhook replay keys go through Redis again")


@functools.lru_cache(maxsize=None)
def redis_link(url: str) -> RedisLink:
    """One link per Redis URL per process, so its state (and its one log line) is shared by
    every account's token store."""
    import redis

    return RedisLink(redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                          socket_timeout=SOCKET_TIMEOUT_SECONDS))
