"""The WeChat adapter: the only part of govpost that knows wechatpy.

- `Gateway`: the API calls govpost makes, plain values in and out, as a Protocol;
  `WeChatGateway` is the real one, built by `wechat_gateway` (a `GatewayFactory`).
- `token_store_for`: the shared access-token store (database, or Redis when configured).
- `messages`: the webhook side (signatures, AES, parsing, replies).
- `errors`: what can go wrong, as domain exceptions.
"""
from .client import (
    AccountClient,
    ArticleSummary,
    DownloadedMedia,
    DraftArticle,
    MassSent,
    PublishedArticle,
    PublishedItem,
    PublishState,
    PublishStatus,
    UploadedMaterial,
    WeChatGateway,
    make_gateway,
    upload_part,
)
from .errors import (
    ConfigurationError,
    CustomerWindowClosed,
    DuplicateClientMsgId,
    InvalidMessage,
    OutcomeUnknown,
    QuotaExceeded,
    Rejected,
    TokenRejected,
    TransientError,
    WeChatError,
)
from .gateway import Gateway, GatewayFactory, wechat_gateway
from .messages import (
    InboundMessage,
    MassSendFinished,
    OpenedMessage,
    decrypt_message,
    encrypt_reply,
    open_message,
    parse_message,
    text_reply,
    timestamp_is_fresh,
    verify_signature,
)
from .replay import DatabaseReplayCache, RedisReplayCache, ReplayCache, replay_cache_for, replay_retention
from .tokens import (
    DatabaseTokenStore,
    FetchedToken,
    RedisTokenStore,
    TokenStore,
    token_store_for,
)

__all__ = [
    "AccountClient",
    "ArticleSummary",
    "ConfigurationError",
    "CustomerWindowClosed",
    "DatabaseTokenStore",
    "DownloadedMedia",
    "DraftArticle",
    "DuplicateClientMsgId",
    "FetchedToken",
    "Gateway",
    "GatewayFactory",
    "InboundMessage",
    "InvalidMessage",
    "MassSendFinished",
    "MassSent",
    "OpenedMessage",
    "OutcomeUnknown",
    "PublishState",
    "PublishStatus",
    "PublishedArticle",
    "PublishedItem",
    "QuotaExceeded",
    "DatabaseReplayCache",
    "RedisReplayCache",
    "RedisTokenStore",
    "ReplayCache",
    "Rejected",
    "TokenRejected",
    "TokenStore",
    "TransientError",
    "UploadedMaterial",
    "WeChatError",
    "WeChatGateway",
    "decrypt_message",
    "encrypt_reply",
    "make_gateway",
    "open_message",
    "parse_message",
    "replay_cache_for",
    "replay_retention",
    "text_reply",
    "timestamp_is_fresh",
    "token_store_for",
    "upload_part",
    "verify_signature",
    "wechat_gateway",
]
