"""Customer-service messages (message/custom/send) and the 48-hour window.

WeChat delivers a customer-service message only within 48 hours of the user's last
message, at most 5 per window. The sandbox cannot see messages users send to govpost's
webhook, so it enforces the window only for openids whose activity it has been told
about (`POST /sandbox/user_activity`, or `wechat_post(..., sandbox_url=...)`); an
openid it has never heard of is treated as active, which keeps the whole bot usable
on one machine without bookkeeping while the window stays testable.
"""

from __future__ import annotations

from .errors import WeChatError
from .state import SandboxState

WINDOW = 48 * 3600
MESSAGES_PER_WINDOW = 5
MESSAGE_TYPES = ("text", "image", "news", "mpnews", "mpnewsarticle", "link")


def record_activity(state: SandboxState, appid: str, openid: str) -> dict:
    """The user just messaged the account: a new 48-hour window with a fresh allowance."""
    if not openid:
        raise WeChatError(40003)
    with state.lock:
        state.account(appid)
        activity = {"last_message_at": state.clock.now(), "sent_in_window": 0}
        state.user_activity[(appid, openid)] = activity
        return dict(activity)


def send_custom(state: SandboxState, appid: str, payload: dict) -> dict:
    touser = payload.get("touser")
    msgtype = payload.get("msgtype")
    if not touser:
        raise WeChatError(40003)
    if msgtype not in MESSAGE_TYPES or not isinstance(payload.get(msgtype), dict):
        raise WeChatError(40008)
    if msgtype == "text" and not payload["text"].get("content"):
        raise WeChatError(44003)
    with state.lock:
        activity = state.user_activity.get((appid, touser))
        if activity is not None:
            if state.clock.now() - activity["last_message_at"] > WINDOW:
                raise WeChatError(45015)
            if activity["sent_in_window"] >= MESSAGES_PER_WINDOW:
                raise WeChatError(45047)
            activity["sent_in_window"] += 1
        state.custom_messages[touser].append(
            {"appid": appid, "msgtype": msgtype, msgtype: payload[msgtype], "at": state.clock.now()})
    return {"errcode": 0, "errmsg": "ok"}
