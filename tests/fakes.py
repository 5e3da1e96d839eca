"""The fakes tests hand to `Runtime` in place of WeChat, through its gateway factory (never by
reaching into the runtime): an in-memory WeChat for the pipeline's decisions, one that
cannot be reached, and the real gateway with a short timeout for the live sandbox."""
from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from functools import partial

from publisher.background.tasks import enqueue
from publisher.runtime import Runtime
from publisher.wechat import (
    DownloadedMedia,
    DraftArticle,
    DuplicateClientMsgId,
    Gateway,
    GatewayFactory,
    MassSent,
    PublishedArticle,
    PublishedItem,
    PublishState,
    PublishStatus,
    Rejected,
    TransientError,
    UploadedMaterial,
    wechat_gateway,
)
from publisher.wechat.client import DraftInBox

# The real gateway, with a short timeout, so that the sandbox's "hang" fault costs a second, not ten.
sandbox_gateways: GatewayFactory = partial(wechat_gateway, timeout=1.0)


def factory_of(gateway: Gateway) -> GatewayFactory:
    """A gateway factory that hands every account the same `gateway`."""
    return lambda settings, account, token_store: gateway


def with_gateway(runtime: Runtime, gateway: Gateway) -> Runtime:
    """The same runtime (settings, database, clock) whose WeChat is `gateway` from now on."""
    return replace(runtime, gateway_factory=factory_of(gateway))


class Unreachable:
    """A gateway whose every call fails as when WeChat cannot be reached."""

    def __getattr__(self, name):
        def call(*args, **kwargs):
            raise TransientError(None, "connection refused")
        return call


class WritesMeanwhile:
    """Stands for a slow WeChat call during which another writer (the webhook) must get in."""

    def __init__(self, runtime, account):
        self.runtime, self.account = runtime, account

    def send_text(self, openid, text):
        with self.runtime.session_factory.begin() as session:
            enqueue(session, account_id=self.account.id, kind="test_record", payload={"by": "webhook"},
                    run_after=self.runtime.clock.now())


class FakeWeChat:
    """One account's WeChat in memory, keeping the rules the pipeline's decisions rest on: a
    submitted draft leaves the draft box and its job is listed among the published; a mass
    send's clientmsgid repeated within a minute is refused (45066), later answered 45065
    with the first msg_id.

    `fail_next(operation, error, applied=...)` makes the next call of `operation` raise
    `error`; with applied=True the call takes effect first (an answer lost on the way back).
    `lists_published = False` holds published jobs out of freepublish/batchget (its lag).
    `calls` records every call as (operation, time)."""

    def __init__(self, clock):
        self.clock = clock
        self.calls: list[tuple[str, object]] = []
        self.drafts: dict[str, list[DraftArticle]] = {}
        self.added: list[list[DraftArticle]] = []
        self.uploads: list[str] = []
        self.previews: list[tuple[list[DraftArticle], str]] = []
        self.published: list[PublishedItem] = []
        self.jobs: dict[str, PublishedItem] = {}
        self.mass: dict[str, tuple[str, object]] = {}  # clientmsgid -> (msg_id, when)
        self.texts: list[tuple[str, str]] = []
        self.media: dict[str, DownloadedMedia] = {}
        self.datacube_rows: dict[str, list[dict]] = {}  # datacube method -> its rows
        self.lists_published = True
        self._faults: dict[str, list[tuple[Exception, bool]]] = defaultdict(list)
        self._ids = itertools.count(1)

    def fail_next(self, operation: str, error: Exception, *, applied: bool = False) -> None:
        self._faults[operation].append((error, applied))

    def times(self, operation: str) -> list:
        return [at for name, at in self.calls if name == operation]

    def _enter(self, operation: str) -> tuple[Exception | None, bool]:
        self.calls.append((operation, self.clock.now()))
        return self._faults[operation].pop(0) if self._faults[operation] else (None, True)

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    # media

    def upload_thumb(self, data: bytes, filename: str) -> UploadedMaterial:
        error, applied = self._enter("upload_thumb")
        if error:
            raise error
        self.uploads.append(filename)
        media_id = self._id("thumb")
        return UploadedMaterial(media_id, f"https://mmbiz.example/{media_id}")

    def upload_body_image(self, data: bytes, filename: str) -> str:
        error, applied = self._enter("upload_body_image")
        if error:
            raise error
        self.uploads.append(filename)
        return f"https://mmbiz.example/{self._id('img')}"

    def download_media(self, media_id: str) -> DownloadedMedia:
        error, applied = self._enter("download_media")
        if error:
            raise error
        if media_id not in self.media:
            raise Rejected(40007, "invalid media_id")
        return self.media[media_id]

    # the draft box

    def add_draft(self, articles: list[DraftArticle]) -> str:
        error, applied = self._enter("add_draft")
        media_id = self._id("draft")
        if applied:
            self.drafts[media_id] = list(articles)
            self.added.append(list(articles))
        if error:
            raise error
        return media_id

    def delete_draft(self, media_id: str) -> None:
        error, applied = self._enter("delete_draft")
        if error:
            raise error
        if self.drafts.pop(media_id, None) is None:
            raise Rejected(40007, "invalid media_id")

    def draft_exists(self, media_id: str) -> bool:
        error, applied = self._enter("draft_exists")
        if error:
            raise error
        return media_id in self.drafts

    def drafts_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[DraftInBox]]:
        error, applied = self._enter("drafts_page")
        if error:
            raise error
        boxed = [DraftInBox(media_id, [PublishedArticle(title=a.title, url="", thumb_media_id=a.thumb_media_id)
                                       for a in articles])
                 for media_id, articles in reversed(self.drafts.items())]
        return len(boxed), boxed[offset:offset + count]

    def preview(self, media_id: str, openid: str) -> None:
        error, applied = self._enter("preview")
        if error:
            raise error
        self.previews.append((self.drafts[media_id], openid))

    # freepublish

    def submit_publish(self, media_id: str) -> str:
        error, applied = self._enter("submit_publish")
        publish_id = self._id("publish")
        if applied:
            articles = self.drafts.pop(media_id)  # a submitted draft leaves the box
            item = PublishedItem(article_id=self._id("article"), update_time=self.clock.now(), articles=[
                PublishedArticle(title=a.title, url=f"https://mp.example/{publish_id}/{i}",
                                 thumb_media_id=a.thumb_media_id)
                for i, a in enumerate(articles, start=1)])
            self.jobs[publish_id] = item
            if self.lists_published:
                self.published.insert(0, item)
        if error:
            raise error
        return publish_id

    def publish_status(self, publish_id: str) -> PublishStatus:
        error, applied = self._enter("publish_status")
        if error:
            raise error
        item = self.jobs[publish_id]
        return PublishStatus(publish_id=publish_id, status=PublishState.SUCCESS, article_id=item.article_id,
                             articles=[(i, a.url) for i, a in enumerate(item.articles, start=1)])

    def published_page(self, offset: int = 0, count: int = 20) -> tuple[int, list[PublishedItem]]:
        error, applied = self._enter("published_page")
        if error:
            raise error
        return len(self.published), self.published[offset:offset + count]

    def delete_published(self, article_id: str, index: int = 0) -> None:
        error, applied = self._enter("delete_published")
        if error:
            raise error

    # mass send

    def send_mass(self, media_id: str, client_msg_id: str) -> MassSent:
        error, applied = self._enter("send_mass")
        now = self.clock.now()
        if client_msg_id in self.mass:
            first, last = self.mass[client_msg_id]
            if now - last < timedelta(minutes=1):
                raise TransientError(45066, "same clientmsgid retry too fast")
            self.mass[client_msg_id] = (first, now)
            raise DuplicateClientMsgId(45065, "clientmsgid exist", msg_id=first)
        msg_id = self._id("msg")
        if applied:
            self.mass[client_msg_id] = (msg_id, now)
        if error:
            raise error
        return MassSent(msg_id=msg_id, msg_data_id=None)

    def mass_status(self, msg_id: str) -> str:
        error, applied = self._enter("mass_status")
        if error:
            raise error
        return "SEND_SUCCESS"

    def delete_mass(self, msg_id: str, article_idx: int = 0) -> None:
        error, applied = self._enter("delete_mass")
        if error:
            raise error

    def send_text(self, openid: str, text: str) -> None:
        error, applied = self._enter("send_text")
        if error:
            raise error
        self.texts.append((openid, text))

    def datacube(self, method: str, begin, end) -> list:
        error, applied = self._enter("datacube")
        if error:
            raise error
        span = (begin.isoformat(), end.isoformat())
        return [row for row in self.datacube_rows.get(method, []) if span[0] <= row["ref_date"] <= span[1]]
