"""Customer-service messages (message/custom/send) and the windows that allow them.

WeChat (客服消息, "当用户和公众号产生特定动作的交互时…开发者可以在一段时间内…调用客服接口")
delivers a customer-service message only after the user did something with the account:

- a message from the user opens a 48-hour window for at most 5 messages (45015 outside
  it, 45047 past the allowance);
- a menu click (CLICK, scancode_push, scancode_waitmsg), a follow (subscribe) or a scan
  (SCAN) opens only a one-minute window for at most 3 messages.

An openid the sandbox has heard nothing of is outside every window (45015), as it is on
WeChat. The sandbox learns of user activity the way WeChat would know it: a message posted
to a webhook through `wechat_post(..., sandbox_url=...)` (what `govpost say` and the
console's chat page do) or `POST /sandbox/user_activity` tells it, with the kind taken
from the message's MsgType and Event. When an interaction comes while a longer window is
still open, the longer window stays (WeChat does not say the two add up; the stricter
reading is that they do not).
"""

from __future__ import annotations

from .errors import WeChatError
from .state import SandboxState

WINDOW = 48 * 3600
MESSAGES_PER_WINDOW = 5
INTERACTION_WINDOW = 60
MESSAGES_PER_INTERACTION = 3
# Events that open the short window; every other event (unsubscribe, VIEW, LOCATION,
# the platform's job-finish pushes) opens none.
OPENING_EVENTS = {"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"}
ACTIVITY_KINDS = {"message": (WINDOW, MESSAGES_PER_WINDOW),
                  "interaction": (INTERACTION_WINDOW, MESSAGES_PER_INTERACTION)}
MESSAGE_TYPES = ("text", "image", "news", "mpnews", "mpnewsarticle", "link")


def activity_kind(msg_type: str, event: str = "") -> str | None:
    """The window a pushed message opens: "message", "interaction", or None for none."""
    if msg_type.lower() != "event":
        return "message"
    return "interaction" if event.lower() in OPENING_EVENTS else None


def _open(activity: dict | None, now: float) -> bool:
    return activity is not None and now - activity["last_message_at"] <= activity["window"]


def record_activity(state: SandboxState, appid: str, openid: str, kind: str = "message") -> dict:
    """The user just did `kind` with the account: a new window with a fresh allowance."""
    if not openid:
        raise WeChatError(40003)
    if kind not in ACTIVITY_KINDS:
        raise WeChatError(40008)
    window, allowance = ACTIVITY_KINDS[kind]
    with state.lock:
        state.account(appid)
        now = state.clock.now()
        current = state.user_activity.get((appid, openid))
        if (kind == "interaction" and _open(current, now)
                and current["last_message_at"] + current["window"] > now + window):
            return dict(current)
        activity = {"kind": kind, "last_message_at": now, "window": window, "allowance": allowance,
                    "sent_in_window": 0}
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
        if not _open(activity, state.clock.now()):
            raise WeChatError(45015)  # never heard of, or its window has closed
        if activity["sent_in_window"] >= activity["allowance"]:
            raise WeChatError(45047)
        activity["sent_in_window"] += 1
        state.custom_messages[touser].append(
            {"appid": appid, "msgtype": msgtype, msgtype: payload[msgtype], "at": state.clock.now()})
    return {"errcode": 0, "errmsg": "ok"}
