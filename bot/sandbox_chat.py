"""Talking to a running webhook as WeChat would: what `govpost say` and the console's sandbox
chat page both do. The message is signed (and in safe mode encrypted) by the sandbox's
`wechat_post`, exactly as WeChat signs it, and the reply is decrypted the same way."""
from __future__ import annotations

import hashlib

import requests
import xmltodict

from publisher.sandbox import build_image_message, build_text_message, decrypt_reply, wechat_post
from publisher.settings import AccountSettings, Settings

TO_USER = "gh_govpost"


class ChatFailed(Exception):
    """The webhook or the sandbox could not be reached, or answered with an HTTP error."""


def openid_for(name: str) -> str:
    """A stable 28-character openid for a name, used until that member is bound."""
    return "oSay" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:24]


def webhook_url(settings: Settings, account: AccountSettings, base: str) -> str:
    return base.rstrip("/") + ("/wechat" if account == settings.default_account else f"/wechat/{account.name}")


def default_mode(account: AccountSettings) -> str:
    """Send as WeChat sends to this account: in the mode it is configured for."""
    return account.message_mode


def upload_picture(base: str, account: AccountSettings, filename: str, data: bytes) -> str:
    """A picture the user sends in chat: the sandbox gives it a temporary media_id."""
    try:
        media = requests.post(f"{base.rstrip('/')}/sandbox/user_media",
                              params={"appid": account.appid, "filename": filename}, data=data, timeout=10)
        media.raise_for_status()
    except requests.RequestException as exc:
        raise ChatFailed(f"cannot upload the picture to the sandbox at {base}: {exc}") from None
    return media.json()["media_id"]


def say(settings: Settings, account: AccountSettings, openid: str, *, base: str, mode: str | None = None,
        text: str | None = None, media_id: str | None = None, sandbox: bool = True) -> str:
    """Send a text (or a picture by media_id) as `openid`; the reply's text, "" for none."""
    xml = (build_image_message(TO_USER, openid, media_id) if media_id is not None
           else build_text_message(TO_USER, openid, text or ""))
    url = webhook_url(settings, account, base)
    try:
        response = wechat_post(url, xml, account, mode=mode or default_mode(account),
                               sandbox_url=base.rstrip("/") if sandbox else None, timeout=10)
    except requests.RequestException as exc:
        raise ChatFailed(f"cannot reach {url}: {exc}") from None
    if response.status_code != 200:
        raise ChatFailed(f"webhook answered HTTP {response.status_code}")
    reply = decrypt_reply(response, account)
    if reply in ("", "success"):
        return ""
    return xmltodict.parse(reply)["xml"].get("Content") or ""


def customer_messages(base: str, openid: str) -> list[dict]:
    """What the sandbox received for `openid` as customer-service messages, oldest first."""
    try:
        state = requests.get(f"{base.rstrip('/')}/sandbox/state", timeout=5).json()
    except (requests.RequestException, ValueError) as exc:
        raise ChatFailed(f"cannot read the sandbox state at {base}: {exc}") from None
    return state.get("custom_messages", {}).get(openid, [])
