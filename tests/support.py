"""Helpers shared by the suites: a real HTTP server for a WSGI app, and bounded polling."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from werkzeug.serving import make_server


class LiveServer:
    """A WSGI app on 127.0.0.1 with a free port, in a background thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        # A short poll interval: shutdown() waits for it, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_until(check: Callable, timeout: float = 15.0, interval: float = 0.01):
    """Poll `check` until it returns something truthy; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail("condition not met before the deadline")
        time.sleep(interval)
