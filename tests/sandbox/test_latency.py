"""The latency option: every WeChat API call waits as a network round trip would, and calls in
flight overlap (the wait holds no lock), so several workers can be measured as on WeChat."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.sandbox.conftest import SAFE_APPID


def _fetch_token(sandbox) -> dict:
    return sandbox.api("POST", "cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": SAFE_APPID, "secret": "safe-secret"})


def test_every_api_call_waits_the_configured_latency_and_calls_in_flight_overlap(make_sandbox):
    sandbox = make_sandbox(latency=0.3)
    started = time.monotonic()
    assert "access_token" in _fetch_token(sandbox)
    assert time.monotonic() - started >= 0.3

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _fetch_token(sandbox), range(4)))
    assert all("access_token" in a for a in answers)
    assert time.monotonic() - started < 4 * 0.3  # not one after the other

