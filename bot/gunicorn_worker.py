"""gunicorn's gthread worker with a deadline on reading each request.

gthread hands a connection to a thread as soon as its first bytes arrive; a client that then
sends one header line a second keeps that thread for as long as it likes, and a few such
clients take every thread (issue 9, item 9). Here each request must have arrived, headers
and body, within GOVPOST_REQUEST_READ_TIMEOUT seconds (default 3) of its first read;
otherwise the connection is dropped and the thread is free again.

Once the app is loaded, what it loaded (modules, the app, SQLAlchemy's mappers and caches)
is frozen out of the garbage collector's generations: it lives as long as the worker, and a
full collection, one every few thousand requests, otherwise walked all of it (about 0.1 s
each, 2 % of a citizen's message on average, the whole of it for the unlucky request).
"""
from __future__ import annotations

import gc
import os
import socket
import time

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

READ_TIMEOUT = float(os.environ.get("GOVPOST_REQUEST_READ_TIMEOUT", "3"))


class _ReadDeadline:
    """The connection's socket as the request parser sees it: every read shares one deadline."""

    def __init__(self, sock: socket.socket, seconds: float):
        self.sock = sock
        self.deadline = time.monotonic() + seconds

    def recv(self, size: int) -> bytes:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise NoMoreData(b"")
        self.sock.settimeout(left)
        try:
            return self.sock.recv(size)
        except TimeoutError:
            raise NoMoreData(b"") from None
        finally:
            self.sock.settimeout(None)


class DeadlineThreadWorker(ThreadWorker):
    def load_wsgi(self):
        super().load_wsgi()
        gc.freeze()

    def handle(self, conn):
        unreader = conn.parser.unreader
        raw = unreader.sock.sock if isinstance(unreader.sock, _ReadDeadline) else unreader.sock
        # A new deadline for each request of a kept-alive connection.
        unreader.sock = _ReadDeadline(raw, READ_TIMEOUT)
        return super().handle(conn)
