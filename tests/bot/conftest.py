"""The running app over real HTTP: `create_app(runtime)` served by werkzeug in a thread, with
the sandbox WeChat API mounted at its root and used as the API base, and the task runner
running as in a web process. `Chat` posts messages exactly as WeChat does."""
from __future__ import annotations

import itertools
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from publisher.services.accounts import account_by_name, sync_accounts
from publisher.core.clock import SystemClock
from publisher.db import transaction
from publisher.runtime import Runtime
from publisher.sandbox import build_image_message, build_text_message, decrypt_reply, wechat_post
from publisher.settings import SANDBOX_AES_KEY
from publisher.services.staff import invite, invite_key
from publisher.services.audit import CLI
from tests.conftest import make_settings

COVER = Path(__file__).resolve().parents[2] / "config" / "covers" / "default.jpg"
_msg_ids = itertools.count(int(time.time()) * 1000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Live:
    url: str
    runtime: Runtime
    account: object  # AccountSettings
    path: str = "/wechat"  # the account's webhook: /wechat for the first, /wechat/<name> after

    def invite(self, name: str, role: str) -> str:
        with transaction(self.runtime.session_factory) as session:
            account = account_by_name(session, self.account.name)
            return invite(session, account, name, role, clock=self.runtime.clock, actor=CLI,
                          key=invite_key(self.runtime.settings)).code

    def post(self, xml: str, *, mode: str | None = None, msg_id: int | None = None, **kwargs) -> requests.Response:
        """Post as WeChat does in the account's message mode (or in `mode`)."""
        return wechat_post(self.url + self.path, xml, self.account, mode=mode or self.account.message_mode,
                           msg_id=msg_id, sandbox_url=self.url, **kwargs)

    def say(self, openid: str, text: str, *, mode: str | None = None, msg_id: int | None = None) -> str:
        xml = build_text_message("gh_township", openid, text, msg_id=msg_id or next(_msg_ids))
        response = self.post(xml, mode=mode)
        assert response.status_code == 200, response.text
        return reply_text(decrypt_reply(response, self.account))

    def send_image(self, openid: str, data: bytes, *, mode: str | None = None) -> str:
        media = requests.post(f"{self.url}/sandbox/user_media", params={"appid": self.account.appid}, data=data,
                              timeout=5).json()
        xml = build_image_message("gh_township", openid, media["media_id"], msg_id=next(_msg_ids))
        response = self.post(xml, mode=mode)
        assert response.status_code == 200, response.text
        return reply_text(decrypt_reply(response, self.account))

    def state(self) -> dict:
        return requests.get(f"{self.url}/sandbox/state", timeout=5).json()

    def wait_for(self, predicate, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError("condition not met in time")

    def texts_to(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.state()["custom_messages"].get(openid, []) if m["msgtype"] == "text"]


def reply_text(xml: str) -> str:
    if xml in ("", "success"):
        return ""
    import xmltodict

    return xmltodict.parse(xml)["xml"]["Content"]


@contextmanager
def serving(database_url: str, accounts: list[dict]):
    """The app on a free port with the sandbox mounted, for the accounts given; yields its URL,
    runtime and settings (each account with its sandbox credentials)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(database_url, wechat_api_base=url + "/", sandbox={"push_url": url + "/wechat"},
                             accounts=accounts)
    runtime = Runtime.build(settings, SystemClock())
    with transaction(runtime.session_factory) as session:
        sync_accounts(session, settings, runtime.clock)

    from bot.app import create_app
    from publisher.background.jobs import start_task_runner

    app = create_app(runtime)
    server = make_server("127.0.0.1", port, app, threaded=True)
    # A short poll interval: shutdown() waits for it, once per test (the default is half a second).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    runner = start_task_runner(runtime, interval=0.05)
    try:
        yield url, runtime, settings
    finally:
        server.shutdown()
        runner.stop()  # its pass in flight ends before the next test empties the database
        runtime.engine.dispose()


@pytest.fixture
def live(database_url, request):
    """The township's account, with an EncodingAESKey, in safe mode (its default then), or in
    the message mode given by indirect parametrization: `parametrize("live", ["plain"], indirect=True)`."""
    township = {"name": "default", "display_name": "优干宁镇人民政府", "aes_key": SANDBOX_AES_KEY,
                "message_mode": getattr(request, "param", None) or "safe", "slots": ["12:00", "18:00"]}
    with serving(database_url, [township]) as (url, runtime, settings):
        yield Live(url, runtime, settings.default_account)


def pytest_collection_modifyitems(items):
    for item in items:
        if "live" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
