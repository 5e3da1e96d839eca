"""The seam between govpost and WeChat: what the pipeline and the background tasks ask of
an account's WeChat API, as a `typing.Protocol`.

`WeChatGateway` (client.py, over wechatpy) is the real one and `Runtime` builds it with
`wechat_gateway`, its default `GatewayFactory`; tests hand `Runtime` a factory of fakes
(tests/fakes.py) instead of reaching into it. The calls' failures are the exceptions of errors.py, whichever side
implements them.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from publisher.settings import AccountSettings, Settings

from .client import (
    DownloadedMedia,
    DraftArticle,
    DraftInBox,
    MassSent,
    PublishedItem,
    PublishStatus,
    UploadedMaterial,
    make_gateway,
)
from .tokens import TokenStore


@runtime_checkable
class Gateway(Protocol):
    # Media: the cover as a permanent thumb, body pictures as article images, and the
    # pictures staff send (temporary media, kept three days by WeChat).
    def upload_thumb(self, data: bytes, filename: str) -> UploadedMaterial: ...
    def upload_body_image(self, data: bytes, filename: str) -> str: ...
    def download_media(self, media_id: str) -> DownloadedMedia: ...

    # The draft box.
    def add_draft(self, articles: list[DraftArticle]) -> str: ...
    def delete_draft(self, media_id: str) -> None: ...
    def draft_exists(self, media_id: str) -> bool: ...
    def drafts_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[DraftInBox]]: ...
    def preview(self, media_id: str, openid: str) -> None: ...

    # 发布 (freepublish).
    def submit_publish(self, media_id: str) -> str: ...
    def publish_status(self, publish_id: str) -> PublishStatus: ...
    def published_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[PublishedItem]]: ...
    def delete_published(self, article_id: str, index: int = 0) -> None: ...

    # 群发 (mass send).
    def send_mass(self, media_id: str, client_msg_id: str) -> MassSent: ...
    def mass_status(self, msg_id: str) -> str: ...
    def delete_mass(self, msg_id: str, article_idx: int = 0) -> None: ...

    # Customer-service text to a member who wrote within the last 48 hours.
    def send_text(self, openid: str, text: str) -> None: ...

    # The rows of one datacube answer, read by datacube.py (the daily reach pull).
    def datacube(self, method: str, begin: date, end: date) -> list: ...


class GatewayFactory(Protocol):
    """Builds one account's gateway; `make_gateway` is the real one."""

    def __call__(self, settings: Settings, account: AccountSettings, token_store: TokenStore) -> Gateway: ...


def wechat_gateway(settings: Settings, account: AccountSettings, token_store: TokenStore, *,
                   timeout: float = 10.0) -> Gateway:
    """The real gateway of `account` (the default factory)."""
    if settings.sandbox_mode and not settings.wechat_api_base:
        # Sandbox credentials must never reach the real WeChat API.
        raise LookupError("sandbox mode needs GOVPOST_WECHAT_API_BASE (govpost serve sets it)")
    return make_gateway(settings, account, token_store, timeout=timeout)
