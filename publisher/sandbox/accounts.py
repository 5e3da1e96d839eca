"""The accounts the sandbox knows: the same credentials govpost is configured with."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ACCOUNT_TYPES = ("subscription", "service")


@dataclass(frozen=True)
class SandboxAccount:
    """One official account as WeChat knows it.

    `account_type` decides the mass-send quota: a subscription account (订阅号) may
    mass-send once per 北京时间 day, a service account (服务号) four times per month.
    `push_url` is where the sandbox delivers PUBLISHJOBFINISH / MASSSENDJOBFINISH
    events (None: events are only recorded in the state). `verified`: only a verified
    (认证) account may mass-send (48001 otherwise). `mass_protection`: API 群发保护 is on,
    so a send to all waits for an administrator ("如管理员拒绝或30分钟内没有确认，该次群发
    失败"): the sandbox's administrator confirms after `publish_delay` unless a fault
    rule `protection="refuse"` makes them refuse.
    """

    appid: str
    secret: str
    token: str
    aes_key: str | None
    push_url: str | None
    account_type: str = "subscription"
    name: str = "default"
    verified: bool = True
    mass_protection: bool = False

    def __post_init__(self) -> None:
        if self.account_type not in ACCOUNT_TYPES:
            raise ValueError(f"account_type must be one of {ACCOUNT_TYPES}, not {self.account_type!r}")

    @property
    def original_id(self) -> str:
        """The account's gh_ id, which WeChat puts in ToUserName of every push."""
        return "gh_" + hashlib.sha1(self.appid.encode()).hexdigest()[:12]

    @property
    def event_sender(self) -> str:
        """The openid WeChat names as FromUserName of job-finish events (a stable fake)."""
        digest = hashlib.sha1(f"sandbox-event-sender:{self.appid}".encode()).hexdigest()
        return "o" + digest[:27]

    def public_view(self) -> dict:
        """What `/sandbox/state` shows: everything but the secrets."""
        return {
            "appid": self.appid,
            "name": self.name,
            "account_type": self.account_type,
            "original_id": self.original_id,
            "event_sender": self.event_sender,
            "push_url": self.push_url,
            "safe_mode": self.aes_key is not None,
            "verified": self.verified,
            "mass_protection": self.mass_protection,
        }
