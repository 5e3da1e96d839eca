"""The sandbox's memory kept in a file, so that restarting govpost (which serves the sandbox
in sandbox mode) is not a restart of "WeChat".

Real WeChat forgets nothing when govpost restarts: its tokens stay valid, its materials,
drafts, published articles and their pages stay. So everything `SandboxState._clear()` makes
is kept, with the clock's offset; only the fault rules a test injected (and the locks) are
not. A publish job or mass send still in progress when the process stopped is finished by a
new timer, as WeChat would have finished it meanwhile.

The file is written after each request that may change the state, before its answer goes
out (so whatever govpost was told survives), atomically: a crash mid-write leaves the
previous file.
It is a pickle because the state is plain dataclasses, dicts and bytes; it is read only from
the path govpost itself configured (beside its own database), never from a request.
"""
from __future__ import annotations

import itertools
import logging
import os
import pickle
import threading
from pathlib import Path

from .state import SandboxState

log = logging.getLogger(__name__)

FORMAT = 1
# The attributes of SandboxState that hold what WeChat remembers (see SandboxState._clear).
KEPT = ("generation", "tokens", "current_token", "tokens_issued", "forced_refreshes", "last_forced_refresh",
        "blobs", "rejected_uploads", "drafts", "submitted_drafts", "jobs", "publications", "mass_sends",
        "clientmsgid_tried", "follower_receipts", "previews", "custom_messages", "user_activity",
        "kf_accounts", "templates", "events", "calls", "datacube_queries", "datacube_seed")


class StateFile:
    def __init__(self, path: str | os.PathLike, state: SandboxState):
        self.path = Path(path)
        self.state = state
        self._write_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._opened_in: int | None = None

    def open_in_this_process(self) -> bool:
        """Load the file once per process (the first caller does); True for that caller."""
        if self._opened_in == os.getpid():
            return False
        with self._open_lock:
            if self._opened_in == os.getpid():
                return False
            self.load()
            self._opened_in = os.getpid()
            return True

    def load(self) -> bool:
        """Restore the state from the file, if there is one; False when there was none to read."""
        try:
            with self.path.open("rb") as file:
                saved = pickle.load(file)
        except FileNotFoundError:
            return False
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("sandbox state %s unreadable (%s): starting empty", self.path, exc)
            return False
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            log.warning("sandbox state %s is of another format: starting empty", self.path)
            return False
        state = self.state
        with state.lock:
            for name in KEPT:
                if name in saved["state"]:
                    setattr(state, name, saved["state"][name])
            state._ids = itertools.count(saved["next_number"])
            state.clock.advance(max(0.0, saved["clock_offset"] - state.clock.offset))
        return True

    def save(self) -> None:
        state = self.state
        with state.lock:
            number = next(state._ids)
            state._ids = itertools.count(number)
            data = pickle.dumps({"format": FORMAT, "next_number": number, "clock_offset": state.clock.offset,
                                 "state": {name: getattr(state, name) for name in KEPT}},
                                protocol=pickle.HIGHEST_PROTOCOL)
        with self._write_lock:
            temporary = self.path.with_name(self.path.name + ".tmp")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary.write_bytes(data)
                os.replace(temporary, self.path)
            except OSError as exc:
                log.warning("sandbox state not saved to %s: %s", self.path, exc)
