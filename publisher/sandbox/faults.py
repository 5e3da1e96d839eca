"""Faults on demand: rules posted to `/sandbox/faults` that bend the next matching calls.

A rule names an API path ("cgi-bin/freepublish/submit", or "*" for every API but the
two token endpoints, so that a token storm leaves token fetching working as it does
on the real platform) and applies to its next `times` matching calls. Kinds:

- errcode (+errmsg): answer that error without applying the call;
- http_status: answer that HTTP status without applying the call;
- delay: sleep that long, then handle the call normally;
- after="hang" (+hang seconds): apply the call, then keep the client waiting;
- after="drop": apply the call, then close the connection with no HTTP answer;
- after="garble": apply the call, then answer HTTP 200 with a body that is not JSON
  (a proxy cutting the answer short);
- before="drop": close the connection with no HTTP answer without applying the call
  (the client cannot tell this from after="drop", which is the point);
- publish_status (+fail_idx): the submitted freepublish job ends with that status
  (2, 3, 4 fail; 5 and 6 go out, then are deleted or banned, as WeChat reports them);
- mass_status: the mass send ends with that Status text (e.g. "err(30003)");
- protection="refuse": on an account with 群发保护 on, the administrator refuses the send
  to all (or lets the 30 minutes pass): it ends SEND_FAIL, Status "send fail" (the
  documentation names no errcode for it).

One call consumes at most one rule: the oldest matching rule with calls left.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field

TOKEN_PATHS = ("cgi-bin/token", "cgi-bin/stable_token")
AFTER_KINDS = ("hang", "drop", "garble")
BEFORE_KINDS = ("drop",)


@dataclass
class FaultRule:
    path: str
    times: int = 1
    errcode: int | None = None
    errmsg: str | None = None
    http_status: int | None = None
    delay: float = 0.0
    after: str | None = None
    before: str | None = None
    hang: float = 10.0
    publish_status: int | None = None
    fail_idx: list[int] = field(default_factory=list)
    mass_status: str | None = None
    protection: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path:
            raise ValueError("path is required")
        self.path = self.path.lstrip("/")
        if not isinstance(self.times, int) or self.times < 1:
            raise ValueError("times must be a positive integer")
        if self.after is not None and self.after not in AFTER_KINDS:
            raise ValueError(f"after must be one of {AFTER_KINDS}")
        if self.before is not None and self.before not in BEFORE_KINDS:
            raise ValueError(f"before must be one of {BEFORE_KINDS}")
        if self.publish_status is not None and self.publish_status not in (2, 3, 4, 5, 6):
            raise ValueError("publish_status must be 2, 3, 4, 5 or 6")
        if self.protection is not None and self.protection != "refuse":
            raise ValueError('protection must be "refuse"')
        if self.http_status is not None and not 400 <= self.http_status <= 599:
            raise ValueError("http_status must be an HTTP error status")
        if self.delay < 0 or self.hang < 0:
            raise ValueError("delay and hang cannot be negative")

    def matches(self, path: str) -> bool:
        if self.path == "*":
            return path not in TOKEN_PATHS
        return self.path == path


class FaultBook:
    """The rules in force, consumed call by call; thread-safe on its own."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, spec: dict) -> FaultRule:
        try:
            rule = FaultRule(**spec)
        except TypeError as exc:
            raise ValueError(str(exc)) from exc
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(path):
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def view(self) -> list[dict]:
        with self._lock:
            return [asdict(r) for r in self._rules]
