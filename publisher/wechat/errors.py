"""What can go wrong talking to WeChat, in the terms the rest of govpost acts on.

Each class says what the caller should do, not what the platform said:

- `TransientError`: nothing happened; try again later (with backoff).
- `OutcomeUnknown`: the request may have been applied; reconcile before repeating.
- `QuotaExceeded`: retrying today is useless; defer and tell the authors.
- `TokenRejected`: the token was refused even after one refresh; an operator must look.
- `ConfigurationError`: credentials, IP whitelist or permissions; an operator must act.
- `Rejected`: the platform refused this content or these fields; retrying cannot help.
- `CustomerWindowClosed`: the user has not written to the account recently enough.
- `DuplicateClientMsgId`: this mass send already went out; `msg_id` names the first one.

No wechatpy or requests type crosses this boundary.
"""
from __future__ import annotations


class WeChatError(Exception):
    """A call to the WeChat API failed. `errcode` is None when there was no platform answer."""

    def __init__(self, errcode: int | None, errmsg: str = "", *, http_status: int | None = None):
        self.errcode = errcode
        self.errmsg = errmsg
        self.http_status = http_status
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = []
        if self.errcode is not None:
            parts.append(f"errcode {self.errcode}")
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.errmsg:
            parts.append(self.errmsg)
        return ": ".join(parts) or "WeChat API error"


class TransientError(WeChatError):
    """The request was not applied (not sent, or refused as busy); repeating it is safe."""


class OutcomeUnknown(WeChatError):
    """The request was sent but no answer came back; it may or may not have been applied."""


class QuotaExceeded(WeChatError):
    """A daily or monthly quota is used up."""


class TokenRejected(WeChatError):
    """The access token was refused, refreshed once, and refused again."""


class ConfigurationError(WeChatError):
    """Wrong credentials, server IP not whitelisted, or the account lacks the permission."""


class Rejected(WeChatError):
    """The platform refused the content or a field (too long, bad media id, failed check...)."""


class CustomerWindowClosed(Rejected):
    """A customer-service message needs the user to have written within 48 hours (5 per window)."""


class DuplicateClientMsgId(WeChatError):
    """A mass send with this clientmsgid already went out; `msg_id` is that first send's id."""

    def __init__(self, errcode: int | None, errmsg: str = "", *, msg_id: str | None = None):
        self.msg_id = msg_id
        super().__init__(errcode, errmsg)


class InvalidMessage(Exception):
    """An inbound webhook message that must be refused: bad signature, ciphertext or XML."""


TOKEN_ERRCODES = frozenset({40001, 40014, 42001})

_TRANSIENT = {-1, 45011, 45066}
_QUOTA = {45009, 45028}
_CONFIGURATION = {
    40013, 40125, 40164, 41002, 41004, 48001, 50001, 50002, 61024,
    40243,  # AppSecret frozen
    50007,  # account frozen
    89503, 89506, 89507,  # this server IP awaits, or was refused, an administrator's confirmation
}
_CUSTOMER_WINDOW = {45015, 45047}
_REJECTED = {
    40004,  # invalid media type
    40005,  # invalid file type (e.g. a PNG as thumb material)
    40006,  # invalid media size (material over its type's limit)
    40007,  # invalid media_id
    40009,  # invalid image size
    40012,  # invalid thumb size
    40113,  # unsupported file type
    40114,  # invalid draft article index
    41005,  # media data missing (e.g. a non-ASCII file name)
    41039,  # invalid content_source_url
    44003,  # empty news
    45001,  # media size out of limit
    45002,  # content too long
    45003,  # title too long
    45004,  # description (digest) too long
    45008,  # more than 8 articles
    45110,  # author too long
    45166,  # invalid content
    45067,  # clientmsgid too long
    53503,  # draft failed the publish check
    53504,  # draft is being used elsewhere
    53505,  # please publish manually
    53600,  # invalid article_id
    61500,  # datacube: malformed date
    61501,  # datacube: date range refused
}


def error_for(errcode: int, errmsg: str, payload: dict | None = None) -> WeChatError:
    """The domain error for a non-zero errcode (token errcodes are handled by the client)."""
    if errcode == 45065:
        msg_id = (payload or {}).get("msg_id")
        return DuplicateClientMsgId(errcode, errmsg, msg_id=None if msg_id is None else str(msg_id))
    if errcode in TOKEN_ERRCODES:
        return TokenRejected(errcode, errmsg)
    for codes, cls in (
        (_TRANSIENT, TransientError),
        (_QUOTA, QuotaExceeded),
        (_CONFIGURATION, ConfigurationError),
        (_CUSTOMER_WINDOW, CustomerWindowClosed),
        (_REJECTED, Rejected),
    ):
        if errcode in codes:
            return cls(errcode, errmsg)
    return WeChatError(errcode, errmsg)
