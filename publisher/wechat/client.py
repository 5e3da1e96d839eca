"""The WeChat API client of one account, and the plain-Python gateway govpost calls.

`AccountClient` is a wechatpy `WeChatClient` that
- sends every endpoint (cgi-bin, datacube, customservice, template, the token) to the
  configured API base, so the sandbox sees all traffic in sandbox mode;
- gets its token with `stable_token` (which does not invalidate other processes' tokens)
  from a shared `TokenStore`;
- on 40001/40014/42001 refreshes the token and repeats the call once, rebuilding any
  uploaded file from bytes; a second refusal raises `TokenRejected`;
- raises only the domain errors of `errors.py`.

`WeChatGateway` wraps it in the operations govpost needs, taking and returning plain values.
"""
from __future__ import annotations

import inspect
import logging
import mimetypes
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from enum import IntEnum
from pathlib import PurePosixPath
from typing import Any, Callable, TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.exceptions import WeChatClientException

from publisher.settings import WECHAT_API_BASE, AccountSettings

from .errors import (
    TOKEN_ERRCODES,
    OutcomeUnknown,
    QuotaExceeded,
    Rejected,
    TokenRejected,
    TransientError,
    WeChatError,
    error_for,
)
from .tokens import FetchedToken, TokenStore

log = logging.getLogger(__name__)

T = TypeVar("T")


class _TokenRefused(Exception):
    def __init__(self, errcode: int, errmsg: str):
        self.errcode, self.errmsg = errcode, errmsg


def _environment_read_once(http: requests.Session, api_root: str) -> None:
    """The proxy and CA settings of the environment, read once for the one host this client
    calls. With `trust_env` on, requests reads them again, walking os.environ and looking for
    ~/.netrc, on every call: over a quarter of a publishing pass's Python calls went there. The same
    settings apply (HTTPS_PROXY and the others, NO_PROXY for this host, REQUESTS_CA_BUNDLE or
    CURL_CA_BUNDLE); a ~/.netrc login is not used for WeChat's API."""
    http.trust_env = False
    http.proxies.update(requests.utils.get_environ_proxies(api_root))
    http.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


class AccountClient(WeChatClient):
    """wechatpy's client for one account, following `api_base` for every endpoint."""

    def __init__(self, appid: str, secret: str, *, api_base: str, token_store: TokenStore, timeout: float):
        # wechatpy's own retry recurses without bound and re-sends consumed file objects.
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        root = api_base or WECHAT_API_BASE
        self.api_root = root if root.endswith("/") else root + "/"
        self.API_BASE_URL = self.api_root + "cgi-bin/"
        for _, api in inspect.getmembers(self, lambda member: isinstance(member, BaseWeChatAPI)):
            own_base = getattr(api, "API_BASE_URL", "")
            if own_base.startswith(WECHAT_API_BASE):
                api.API_BASE_URL = self.api_root + own_base[len(WECHAT_API_BASE) :]
        self.token_store = token_store
        _environment_read_once(self._http, self.api_root)

    # -- token -------------------------------------------------------------------------

    @property
    def access_token(self) -> str:
        return self.token_store.get(self.appid, self._fetch_token)

    def fetch_access_token(self, force_refresh: bool = False) -> dict:
        """POST cgi-bin/stable_token. Normally called by the token store, under its lock."""
        try:
            res = self._http.post(
                self.api_root + "cgi-bin/stable_token",
                json={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                    "force_refresh": force_refresh,
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            # Fetching a stable token twice is harmless, so even "no answer" is transient.
            raise TransientError(None, f"cgi-bin/stable_token: {type(exc).__name__}") from None
        if res.status_code >= 400:
            raise TransientError(None, "cgi-bin/stable_token", http_status=res.status_code)
        try:
            result = res.json()
        except ValueError:
            raise TransientError(None, "cgi-bin/stable_token: answer is not JSON") from None
        errcode = int(result.get("errcode") or 0)
        if errcode:
            log.warning("WeChat cgi-bin/stable_token for %s answered errcode %s", self.appid, errcode)
            raise error_for(errcode, str(result.get("errmsg", "")), result)
        log.info("fetched access token for %s (force_refresh=%s)", self.appid, force_refresh)
        return result

    def _fetch_token(self, force_refresh: bool) -> FetchedToken:
        result = self.fetch_access_token(force_refresh)
        try:
            return FetchedToken(str(result["access_token"]), int(result.get("expires_in", 7200)))
        except (KeyError, TypeError, ValueError):
            raise TransientError(None, "cgi-bin/stable_token: answer has no access_token") from None

    # -- requests ----------------------------------------------------------------------

    def _request(self, method, url_or_endpoint, **kwargs):
        endpoint = self._endpoint_name(url_or_endpoint, kwargs.get("api_base_url"))
        files = _bytes_files(kwargs.pop("files", None))
        token = self.access_token
        for attempt in (1, 2):
            params = dict(kwargs.get("params") or {})
            params["access_token"] = token
            call = dict(kwargs, params=params)
            if files is not None:
                call["files"] = dict(files)
            try:
                return self._send(method, url_or_endpoint, endpoint, call)
            except _TokenRefused as refused:
                if attempt == 2:
                    log.error(
                        "WeChat %s refused a fresh access token for %s (errcode %s)",
                        endpoint,
                        self.appid,
                        refused.errcode,
                    )
                    raise TokenRejected(refused.errcode, refused.errmsg) from None
                log.info("WeChat %s refused the access token (errcode %s); refreshing once", endpoint, refused.errcode)
                try:
                    token = self.token_store.replace_rejected(self.appid, token, self._fetch_token)
                except QuotaExceeded as exhausted:
                    # The day's forced refreshes are used up: a token problem for an operator, not
                    # a publishing quota that would defer posts to tomorrow.
                    raise TokenRejected(exhausted.errcode, "forced token refreshes used up for today") from None
        raise AssertionError("unreachable")

    def _send(self, method: str, url_or_endpoint: str, endpoint: str, kwargs: dict):
        try:
            return super()._request(method, url_or_endpoint, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode is None:
                status = exc.response.status_code if exc.response is not None else None
                raise _http_error(endpoint, status) from None
            if exc.errcode in TOKEN_ERRCODES:
                raise _TokenRefused(exc.errcode, str(exc.errmsg)) from None
            log.warning("WeChat %s answered errcode %s: %s", endpoint, exc.errcode, exc.errmsg)
            raise error_for(exc.errcode, str(exc.errmsg), _json_body(exc.response)) from None
        except requests.RequestException as exc:
            error = _network_error(endpoint, exc)
            log.warning("WeChat %s: %s", endpoint, error)
            raise error from None

    def _endpoint_name(self, url_or_endpoint: str, api_base_url: str | None) -> str:
        url = url_or_endpoint
        if not url.startswith(("http://", "https://")):
            url = (api_base_url or self.API_BASE_URL) + url
        return url.removeprefix(self.api_root).split("?", 1)[0]


def _bytes_files(files: dict | None) -> dict | None:
    """Upload parts as (name, bytes, type) tuples, which can be sent any number of times."""
    if files is None:
        return None
    frozen = {}
    for part, value in files.items():
        if isinstance(value, tuple):
            name, content, *rest = value
            if hasattr(content, "read"):
                content = content.read()
            frozen[part] = (name, content, *rest)
        elif hasattr(value, "read"):
            frozen[part] = (PurePosixPath(getattr(value, "name", "upload")).name, value.read())
        else:
            frozen[part] = value
    return frozen


def _json_body(response) -> dict | None:
    try:
        body = response.json() if response is not None else None
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _http_error(endpoint: str, status: int | None) -> WeChatError:
    if status is not None and status >= 500:
        # A gateway error may come after the platform applied the request.
        return OutcomeUnknown(None, endpoint, http_status=status)
    if status == 429:
        return TransientError(None, endpoint, http_status=status)
    return WeChatError(None, endpoint, http_status=status)


def _network_error(endpoint: str, exc: requests.RequestException) -> WeChatError:
    # The exception's text may hold the URL with the access token: never pass it on.
    kind = type(exc).__name__
    if _never_sent(exc):
        return TransientError(None, f"{endpoint}: could not connect ({kind})")
    if isinstance(exc, (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return OutcomeUnknown(None, f"{endpoint}: no answer ({kind})")
    return WeChatError(None, f"{endpoint}: request failed ({kind})")


def _never_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        reason = exc.args[0]
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return isinstance(reason, (NewConnectionError, ConnectTimeoutError))
    return False


# -- plain values ------------------------------------------------------------------------


class PublishState(IntEnum):
    """freepublish status codes (freepublish/get and PUBLISHJOBFINISH)."""

    SUCCESS = 0
    PUBLISHING = 1
    ORIGINAL_CHECK_FAILED = 2
    FAILED = 3
    REVIEW_REJECTED = 4
    DELETED_BY_USER = 5
    BANNED = 6


@dataclass(frozen=True)
class UploadedMaterial:
    media_id: str
    url: str


@dataclass(frozen=True)
class DownloadedMedia:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class DraftArticle:
    title: str
    content: str
    thumb_media_id: str
    author: str = ""
    digest: str = ""
    content_source_url: str = ""
    need_open_comment: bool = False
    only_fans_can_comment: bool = False


@dataclass(frozen=True)
class PublishStatus:
    publish_id: str
    status: int
    article_id: str | None
    articles: list[tuple[int, str]] = field(default_factory=list)
    fail_idx: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PublishedArticle:
    title: str
    url: str
    author: str = ""
    digest: str = ""
    content: str = ""
    content_source_url: str = ""
    thumb_media_id: str = ""
    thumb_url: str = ""
    is_deleted: bool = False


@dataclass(frozen=True)
class PublishedItem:
    article_id: str
    update_time: datetime
    articles: list[PublishedArticle]


@dataclass(frozen=True)
class DraftInBox:
    """A draft in the draft box (draft/batchget), its articles without their content."""

    media_id: str
    articles: list[PublishedArticle]


@dataclass(frozen=True)
class MassSent:
    msg_id: str
    msg_data_id: str | None


@dataclass(frozen=True)
class ArticleSummary:
    """One article's reads and shares on one day (datacube getarticlesummary)."""

    ref_date: date
    msgid: str
    title: str
    int_page_read_user: int
    int_page_read_count: int
    ori_page_read_user: int
    ori_page_read_count: int
    share_user: int
    share_count: int
    add_to_fav_user: int
    add_to_fav_count: int


# -- the gateway -------------------------------------------------------------------------


class WeChatGateway:
    """The WeChat operations govpost performs for one account.

    Calls marked repeatable turn "no answer" into `TransientError` (repeating them does no
    harm); the others (draft, submit, mass send, messages) raise `OutcomeUnknown`, and the
    caller reconciles before any repeat.
    """

    def __init__(self, account: AccountSettings, api_base: str, token_store: TokenStore, *, timeout: float = 10.0):
        self.account = account
        self.client = AccountClient(
            account.appid, account.secret, api_base=api_base, token_store=token_store, timeout=timeout
        )

    def _call(self, operation: Callable[[], T], *, repeatable: bool) -> T:
        try:
            return operation()
        except OutcomeUnknown as exc:
            if repeatable:
                raise TransientError(exc.errcode, exc.errmsg, http_status=exc.http_status) from None
            raise

    # images

    def upload_thumb(self, data: bytes, filename: str) -> UploadedMaterial:
        """A cover image as permanent thumb material."""
        return self._add_material("thumb", data, filename)

    def upload_image_material(self, data: bytes, filename: str) -> UploadedMaterial:
        """An image as permanent image material."""
        return self._add_material("image", data, filename)

    def _add_material(self, kind: str, data: bytes, filename: str) -> UploadedMaterial:
        result = self._call(lambda: self.client.material.add(kind, upload_part(data, filename)), repeatable=True)
        return UploadedMaterial(media_id=_text(result, "media_id"), url=str(result.get("url") or ""))

    def upload_body_image(self, data: bytes, filename: str) -> str:
        """An image for use inside article HTML; returns its URL."""
        return self._call(lambda: self.client.media.upload_image(upload_part(data, filename)), repeatable=True)

    def download_media(self, media_id: str) -> DownloadedMedia:
        """A (temporary) media file, e.g. a photo a staff member sent to the account."""
        res = self._call(lambda: self.client.media.download(media_id), repeatable=True)
        if not isinstance(res, requests.Response):
            raise WeChatError(None, "media/get: expected a file, got a JSON answer")
        content_type = res.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()
        return DownloadedMedia(data=res.content, content_type=content_type)

    # drafts and freepublish

    def add_draft(self, articles: list[DraftArticle]) -> str:
        """Create a draft of up to 8 articles; returns its media_id."""
        result = self._call(lambda: self.client.draft.add([asdict(a) for a in articles]), repeatable=False)
        return _text(result, "media_id")

    def delete_draft(self, media_id: str) -> None:
        self._call(lambda: self.client.draft.delete(media_id), repeatable=True)

    def draft_exists(self, media_id: str) -> bool:
        """Whether the draft is still in the draft box. A draft submitted for freepublish (or
        mass-sent) leaves the box, so False after an unanswered submit means it went through.
        False only on WeChat's "invalid media_id" (40007); any other error is raised."""
        try:
            self._call(lambda: self.client.draft.get(media_id), repeatable=True)
        except Rejected as exc:
            if exc.errcode == 40007:
                return False
            raise
        return True

    def drafts_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[DraftInBox]]:
        """One page (at most 20) of the draft box, most recently changed first."""
        result = self._call(lambda: self.client.draft.batchget(offset, count, 1), repeatable=True)
        try:
            items = [
                DraftInBox(
                    media_id=str(item["media_id"]),
                    articles=[_published_article(n) for n in _as_list((item.get("content") or {}).get("news_item"))],
                )
                for item in _as_list(result.get("item"))
            ]
            return int(result.get("total_count") or 0), items
        except (KeyError, TypeError, ValueError, AttributeError):
            raise WeChatError(None, "draft/batchget: unexpected answer") from None

    def submit_publish(self, media_id: str) -> str:
        """Submit a draft for freepublish; returns the publish_id (the outcome comes later)."""
        result = self._call(lambda: self.client.freepublish.submit(media_id), repeatable=False)
        return _text(result, "publish_id")

    def publish_status(self, publish_id: str) -> PublishStatus:
        result = self._call(lambda: self.client.freepublish.get(publish_id), repeatable=True)
        try:
            detail = result.get("article_detail") or {}
            return PublishStatus(
                publish_id=str(result.get("publish_id") or publish_id),
                status=int(result["publish_status"]),
                article_id=str(result["article_id"]) if result.get("article_id") else None,
                articles=[(int(i["idx"]), str(i["article_url"])) for i in _as_list(detail.get("item"))],
                fail_idx=[int(i) for i in _as_list(result.get("fail_idx"))],
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise WeChatError(None, "freepublish/get: unexpected answer") from None

    def published_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[PublishedItem]]:
        """One page (at most 20) of successfully published items, newest first."""
        result = self._call(lambda: self.client.freepublish.batchget(offset, count, 0), repeatable=True)
        try:
            items = [
                PublishedItem(
                    article_id=str(item["article_id"]),
                    update_time=datetime.fromtimestamp(int(item.get("update_time") or 0), tz=timezone.utc),
                    articles=[_published_article(n) for n in _as_list((item.get("content") or {}).get("news_item"))],
                )
                for item in _as_list(result.get("item"))
            ]
            return int(result.get("total_count") or 0), items
        except (KeyError, TypeError, ValueError, AttributeError):
            raise WeChatError(None, "freepublish/batchget: unexpected answer") from None

    def delete_published(self, article_id: str, index: int = 0) -> None:
        """Delete a published item (index 0: all its articles; 1..n: that article)."""
        self._call(lambda: self.client.freepublish.delete(article_id, index), repeatable=True)

    # mass send

    def send_mass(self, media_id: str, client_msg_id: str) -> MassSent:
        """Mass-send a draft to all followers. A repeat of `client_msg_id` within 24 hours
        raises `DuplicateClientMsgId` carrying the first send's msg_id instead of sending."""
        result = self._call(
            lambda: self.client.message.send_mass_article(media_id, is_to_all=True, client_msg_id=client_msg_id),
            repeatable=False,
        )
        data_id = result.get("msg_data_id")
        return MassSent(msg_id=_text(result, "msg_id"), msg_data_id=None if data_id is None else str(data_id))

    def mass_status(self, msg_id: str) -> str:
        """SEND_SUCCESS, SENDING, SEND_FAIL or DELETE."""
        result = self._call(lambda: self.client.message.get_mass(msg_id), repeatable=True)
        return _text(result, "msg_status")

    def delete_mass(self, msg_id: str, article_idx: int = 0) -> None:
        """Delete a mass-sent message (article_idx 0: all its articles; 1..n: that article)."""
        self._call(
            lambda: self.client.post("message/mass/delete", data={"msg_id": msg_id, "article_idx": article_idx}),
            repeatable=True,
        )

    def preview(self, media_id: str, openid: str) -> None:
        """Send a draft to one follower to look at."""
        # Posted directly: wechatpy treats an openid not exactly 28 characters long as a
        # WeChat user name and sends it as `towxname`.
        self._call(
            lambda: self.client.post(
                "message/mass/preview",
                data={"touser": openid, "msgtype": "mpnews", "mpnews": {"media_id": media_id}},
            ),
            repeatable=False,
        )

    # messages and analytics

    def send_text(self, openid: str, text: str) -> None:
        """A customer-service text message (the user must have written in the last 48 hours)."""
        self._call(lambda: self.client.message.send_text(openid, text), repeatable=False)

    def datacube(self, method: str, begin: date, end: date) -> list:
        """The rows of one datacube answer (`get_user_read` …), read by `publisher.wechat.datacube`."""
        return _as_list(self._call(lambda: getattr(self.client.datacube, method)(begin, end), repeatable=True))

    def article_summary(self, day: date) -> list[ArticleSummary]:
        rows = self._call(lambda: self.client.datacube.get_article_summary(day, day), repeatable=True)
        try:
            return [
                ArticleSummary(
                    ref_date=date.fromisoformat(str(row["ref_date"])),
                    msgid=str(row["msgid"]),
                    title=str(row.get("title") or ""),
                    **{
                        name: int(row.get(name) or 0)
                        for name in (
                            "int_page_read_user",
                            "int_page_read_count",
                            "ori_page_read_user",
                            "ori_page_read_count",
                            "share_user",
                            "share_count",
                            "add_to_fav_user",
                            "add_to_fav_count",
                        )
                    },
                )
                for row in _as_list(rows)
            ]
        except (KeyError, TypeError, ValueError):
            raise WeChatError(None, "datacube/getarticlesummary: unexpected answer") from None


def _text(result: Any, key: str) -> str:
    if not isinstance(result, dict) or result.get(key) in (None, ""):
        raise WeChatError(None, f"answer has no {key}")
    return str(result[key])


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _published_article(news: dict) -> PublishedArticle:
    return PublishedArticle(
        title=str(news.get("title") or ""),
        url=str(news.get("url") or ""),
        author=str(news.get("author") or ""),
        digest=str(news.get("digest") or ""),
        content=str(news.get("content") or ""),
        content_source_url=str(news.get("content_source_url") or ""),
        thumb_media_id=str(news.get("thumb_media_id") or ""),
        thumb_url=str(news.get("thumb_url") or ""),
        is_deleted=bool(news.get("is_deleted")),
    )


# -- upload file names ---------------------------------------------------------------------

_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
)


def upload_part(data: bytes, filename: str) -> tuple[str, bytes, str]:
    """A multipart file tuple with an ASCII name: WeChat answers 41005 to a Chinese one."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-")[:40] or "image"
    for magic, sniffed_ext, content_type in _IMAGE_SIGNATURES:
        if data.startswith(magic):
            return f"{ascii_stem}.{sniffed_ext}", data, content_type
    ext = ext.lower() if re.fullmatch(r"[A-Za-z0-9]{1,5}", ext) else "bin"
    content_type = mimetypes.guess_type(f"x.{ext}")[0] or "application/octet-stream"
    return f"{ascii_stem}.{ext}", data, content_type


def make_gateway(settings, account: AccountSettings, token_store: TokenStore, *, timeout: float = 10.0) -> WeChatGateway:
    """The gateway of `account`, talking to `settings.wechat_api_base` (real WeChat if empty)."""
    return WeChatGateway(account, settings.wechat_api_base, token_store, timeout=timeout)
