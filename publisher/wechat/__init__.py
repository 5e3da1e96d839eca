"""The WeChat adapter: the only part of govpost that knows wechatpy.

- `WeChatGateway` (via `make_gateway`): the API calls govpost makes, plain values in and out.
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
from .messages import (
    InboundMessage,
    MassSendFinished,
    decrypt_message,
    encrypt_reply,
    parse_message,
    text_reply,
    timestamp_is_fresh,
    verify_signature,
)
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
    "InboundMessage",
    "InvalidMessage",
    "MassSendFinished",
    "MassSent",
    "OutcomeUnknown",
    "PublishState",
    "PublishStatus",
    "PublishedArticle",
    "PublishedItem",
    "QuotaExceeded",
    "RedisTokenStore",
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
    "parse_message",
    "text_reply",
    "timestamp_is_fresh",
    "token_store_for",
    "upload_part",
    "verify_signature",
]
