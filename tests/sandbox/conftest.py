"""Fixtures for the sandbox tests: live HTTP servers and the real wechatpy client."""

from __future__ import annotations

import base64
import time

import pytest
import requests
from flask import Flask, request
from wechatpy import WeChatClient

from publisher.sandbox import SandboxAccount, create_app
from tests.support import LiveServer, wait_until  # noqa: F401 (re-exported to the suite)

AES_KEY = base64.b64encode(bytes(range(32))).decode()[:-1]
SAFE_APPID = "wx5a1e5afe00000001"
PLAIN_APPID = "wx91a1e00000000002"


class Receiver:
    """A stand-in webhook that records every push and answers `status`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        app = Flask("receiver")

        @app.post("/<path:name>")
        def receive(name):
            self.requests.append({"path": name, "args": request.args.to_dict(), "body": request.get_data(as_text=True)})
            return "success", self.status

        self.live = LiveServer(app)
        self.url = self.live.url

    def wait_for(self, count: int, timeout: float = 15.0) -> list[dict]:
        return wait_until(lambda: self.requests if len(self.requests) >= count else None, timeout)


class Sandbox:
    """A running sandbox plus helpers for its /sandbox/ controls."""

    def __init__(self, accounts: list[SandboxAccount], **kwargs) -> None:
        self.app = create_app(accounts, **kwargs)
        self.state = self.app.extensions["sandbox"]
        self.live = LiveServer(self.app)
        self.url = self.live.url
        self.accounts = {a.appid: a for a in accounts}

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.url + path, timeout=5, **kwargs)

    def fault(self, **rule) -> None:
        self.control("POST", "sandbox/faults", json=rule).raise_for_status()

    def advance(self, seconds: float) -> None:
        self.control("POST", "sandbox/clock", json={"advance": seconds}).raise_for_status()

    def snapshot(self) -> dict:
        return self.control("GET", "sandbox/state").json()

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        """A raw API call, for answers wechatpy would turn into exceptions."""
        params = kwargs.pop("params", {})
        if token:
            params["access_token"] = token
        return requests.request(method, self.url + path, params=params, timeout=5, **kwargs).json()

    def client(self, appid: str = SAFE_APPID, **kwargs) -> SandboxWeChatClient:
        account = self.accounts[appid]
        return SandboxWeChatClient(self.url, account.appid, account.secret, **kwargs)


class SandboxWeChatClient(WeChatClient):
    """wechatpy's real client with every base URL pointed at the sandbox.

    It fetches its token with stable_token, as govpost's adapter does; the classic
    endpoint is tested on its own.
    """

    def __init__(self, base_url: str, appid: str, secret: str, **kwargs) -> None:
        super().__init__(appid, secret, **kwargs)
        self.base_url = base_url
        self.API_BASE_URL = base_url + "cgi-bin/"
        self.datacube.API_BASE_URL = base_url + "datacube/"
        self.customservice.API_BASE_URL = base_url + "customservice/"
        self.template.API_BASE_URL = base_url

    def fetch_access_token(self):
        response = self._http.post(self.base_url + "cgi-bin/stable_token", json={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        result = response.json()
        self.session.set(self.access_token_key, result["access_token"], result["expires_in"])
        self.expires_at = int(time.time()) + result["expires_in"]
        return result


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.live.close()


@pytest.fixture
def accounts(receiver) -> list[SandboxAccount]:
    return [
        SandboxAccount(appid=SAFE_APPID, secret="safe-secret", token="safetoken", aes_key=AES_KEY,
                       push_url=receiver.url + "wechat", account_type="subscription", name="township"),
        SandboxAccount(appid=PLAIN_APPID, secret="plain-secret", token="plaintoken", aes_key=None,
                       push_url=receiver.url + "plain", account_type="service", name="county"),
    ]


@pytest.fixture
def make_sandbox(accounts):
    started: list[Sandbox] = []

    def start(**kwargs) -> Sandbox:
        kwargs.setdefault("publish_delay", 0)
        sandbox = Sandbox(accounts, **kwargs)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.state.reset()
        sandbox.live.close()


@pytest.fixture
def sandbox(make_sandbox) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def client(sandbox) -> SandboxWeChatClient:
    return sandbox.client()
