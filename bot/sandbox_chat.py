"""Talking to a running webhook as WeChat would: what `govpost say` and the console's sandbox
chat page both do. The message is signed (and in safe mode encrypted) by the sandbox's
`wechat_post`, exactly as WeChat signs it, and the reply is decrypted the same way."""
from __future__ import annotations

import hashlib

import requests
import xmltodict

from publisher.sandbox import build_image_message, build_text_message, decrypt_reply, wechat_post
from publisher.settings import AccountSettings, Settings
from publisher.texts import cli as texts

TO_USER = "gh_govpost"


class ChatFailed(Exception):
    """The webhook or the sandbox could not be reached, or answered with an HTTP error;
    `str()` says so in Chinese, with the URL."""


def connection_reason(exc: Exception) -> str:
    """requests' failure in a word staff read ("连接失败"), not its urllib3 chain."""
    return next((texts.CONNECTION_REASONS[c.__name__] for c in type(exc).__mro__
                 if c.__name__ in texts.CONNECTION_REASONS), type(exc).__name__)


def openid_for(name: str) -> str:
    """A stable 28-character openid for a name, used until that member is bound."""
    return "oSay" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:24]


def webhook_url(settings: Settings, account: AccountSettings, base: str) -> str:
    return base.rstrip("/") + ("/wechat" if account == settings.default_account else f"/wechat/{account.name}")


def default_mode(account: AccountSettings) -> str:
    """Send as WeChat sends to this account: in the mode it is configured for."""
    return account.message_mode


def upload_picture(base: str, account: AccountSettings, filename: str, data: bytes) -> str:
    """A picture the user sends in chat: the sandbox gives it a temporary media_id. Its name
    goes as WeChat's own client sends it, in ASCII (「民生改善.jpg」 would be WeChat's 41005)."""
    from publisher.wechat.client import upload_part

    url = f"{base.rstrip('/')}/sandbox/user_media"
    ascii_name = upload_part(data, filename)[0]
    try:
        media = requests.post(url, params={"appid": account.appid, "filename": ascii_name}, data=data, timeout=10)
    except requests.RequestException as exc:
        raise ChatFailed(texts.CHAT_UNREACHABLE.format(url=url, reason=connection_reason(exc))) from None
    if media.status_code == 400 and "errcode" in _json(media):
        raise ChatFailed(texts.CHAT_UPLOAD_REFUSED.format(errcode=_json(media)["errcode"]))
    if media.status_code != 200:
        raise ChatFailed(texts.CHAT_HTTP_STATUS.format(url=url, status=media.status_code))
    return media.json()["media_id"]


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


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
        raise ChatFailed(texts.CHAT_UNREACHABLE.format(url=url, reason=connection_reason(exc))) from None
    if response.status_code != 200:
        raise ChatFailed(texts.CHAT_HTTP_STATUS.format(url=url, status=response.status_code))
    reply = decrypt_reply(response, account)
    if reply in ("", "success"):
        return ""
    return xmltodict.parse(reply)["xml"].get("Content") or ""


def customer_messages(base: str, openid: str) -> list[dict]:
    """What the sandbox received for `openid` as customer-service messages, oldest first."""
    url = f"{base.rstrip('/')}/sandbox/state"
    try:
        state = requests.get(url, timeout=5).json()
    except (requests.RequestException, ValueError) as exc:
        raise ChatFailed(texts.CHAT_STATE_UNREADABLE.format(url=url, reason=connection_reason(exc))) from None
    return state.get("custom_messages", {}).get(openid, [])
