"""Everything the sandbox remembers, in memory, behind one lock.

Request threads, publish timers and event pushers all touch this object; every read or
write of its collections happens under `state.lock`. Slow work (sleeping for a fault,
pushing an event over HTTP) never happens while the lock is held.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .accounts import SandboxAccount
from .clock import SandboxClock
from .errors import WeChatError
from .faults import FaultBook


@dataclass
class Blob:
    """Stored bytes: permanent material (thumb/image), an uploadimg picture, or temporary media."""

    media_id: str
    appid: str
    kind: str
    data: bytes
    content_type: str
    filename: str
    created_at: float


@dataclass
class Draft:
    media_id: str
    appid: str
    articles: list[dict]
    created_at: float
    updated_at: float
    stripped_images: int = 0


@dataclass
class Publication:
    """A group of articles that went out (freepublish or mass send) and has pages."""

    article_id: str
    appid: str
    source: str
    articles: list[dict]
    base_url: str
    published_at: float
    msg_data_id: int
    deleted_idx: set[int] = field(default_factory=set)

    def url(self, idx: int) -> str:
        return f"{self.base_url}sandbox/articles/{self.article_id}/{idx}"

    def is_deleted(self, idx: int) -> bool:
        return idx in self.deleted_idx

    @property
    def fully_deleted(self) -> bool:
        return len(self.deleted_idx) >= len(self.articles)


@dataclass
class PublishJob:
    publish_id: str
    appid: str
    draft_media_id: str
    articles: list[dict]
    base_url: str
    msg_data_id: int
    submitted_at: float
    final_status: int = 0
    final_fail_idx: list[int] = field(default_factory=list)
    status: int = 1
    article_id: str | None = None
    fail_idx: list[int] = field(default_factory=list)
    finished_at: float | None = None


@dataclass
class MassSend:
    msg_id: int
    msg_data_id: int
    appid: str
    media_id: str
    articles: list[dict]
    base_url: str
    clientmsgid: str | None
    sent_at: float
    is_to_all: bool
    tag_id: int | None
    final_status: str = "send success"
    msg_status: str = "SENDING"
    article_id: str | None = None
    finished_at: float | None = None
    sent_count: int | None = None


@dataclass
class Token:
    value: str
    appid: str
    kind: str
    expires_at: float
    revoked: bool = False


class SandboxState:
    """The sandbox's memory: accounts are fixed at creation, the rest is cleared by reset()."""

    def __init__(self, accounts: list[SandboxAccount], *, clock: SandboxClock, token_ttl: int,
                 publish_delay: float, latency: float = 0.0) -> None:
        if len({a.appid for a in accounts}) != len(accounts):
            raise ValueError("two sandbox accounts share an appid")
        self.lock = threading.RLock()
        self.accounts = {a.appid: a for a in accounts}
        self.clock = clock
        self.token_ttl = token_ttl
        self.publish_delay = publish_delay
        # Real seconds every WeChat API call waits before it is answered: a model of the
        # network round trip to api.weixin.qq.com (tens to hundreds of ms), which the
        # in-memory sandbox otherwise answers in microseconds.
        self.latency = latency
        # When a freepublish job's draft leaves the draft box: at submit, or (the default,
        # the stricter reading) only when the job ends. See publisher/sandbox/publishing.py.
        self.draft_leaves_at_submit = False
        self.datacube_seed = 0  # mixed into every datacube figure: another seed, other numbers
        self.faults = FaultBook()
        # Set by reset() so that requests hanging on a fault return at once.
        self.release = threading.Event()
        self._clear()

    def _clear(self) -> None:
        self.generation = getattr(self, "generation", 0) + 1
        self.tokens: dict[str, Token] = {}
        self.current_token: dict[tuple[str, str], str] = {}
        self.tokens_issued: dict[str, Counter] = defaultdict(Counter)
        self.forced_refreshes: Counter = Counter()
        self.last_forced_refresh: dict[str, float] = {}
        self.blobs: dict[str, Blob] = {}
        self.rejected_uploads: list[dict] = []
        self.drafts: dict[str, Draft] = {}
        # Drafts taken out of the box by a freepublish job still in progress, by publish_id.
        self.submitted_drafts: dict[str, Draft] = {}
        self.jobs: dict[str, PublishJob] = {}
        self.publications: dict[str, Publication] = {}
        self.mass_sends: dict[int, MassSend] = {}
        # When each (appid, clientmsgid) was last tried: a repeat within a minute is 45066.
        self.clientmsgid_tried: dict[tuple[str, str], float] = {}
        # How many mass sends each follower received, per (appid, month): a service account's
        # four a month are counted per follower.
        self.follower_receipts: dict[tuple[str, str], list[int]] = {}
        self.previews: dict[str, list[dict]] = defaultdict(list)
        self.custom_messages: dict[str, list[dict]] = defaultdict(list)
        self.user_activity: dict[tuple[str, str], dict] = {}
        self.kf_accounts: list[dict] = []
        self.templates: list[dict] = []
        self.events: list[dict] = []
        self.calls: Counter = Counter()
        self.datacube_queries: list[dict] = []
        self._ids = itertools.count(1)

    def reset(self) -> None:
        """Forget everything but the accounts; running timers see the new generation and stop."""
        with self.lock:
            self._clear()
            self.faults.clear()
            self.release.set()
            self.release = threading.Event()

    def next_number(self) -> int:
        """A per-state sequence behind publish_id, msg_id and msg_data_id (unique across kinds)."""
        return next(self._ids)

    def account(self, appid: str) -> SandboxAccount:
        try:
            return self.accounts[appid]
        except KeyError:
            raise WeChatError(40013) from None

    def snapshot(self) -> dict:
        """The JSON of `/sandbox/state`: what tests assert on."""
        with self.lock:
            return {
                "clock": {"now": self.clock.now(), "offset": self.clock.offset},
                "accounts": [a.public_view() for a in self.accounts.values()],
                "tokens_issued": {appid: dict(c) for appid, c in self.tokens_issued.items()},
                "forced_token_refreshes": dict(Counter(appid for (appid, _day) in self.forced_refreshes.elements())),
                "tokens_valid": Counter(t.appid for t in self.tokens.values()
                                        if not t.revoked and t.expires_at > self.clock.now()),
                "materials": Counter(b.kind for b in self.blobs.values()),
                "rejected_uploads": list(self.rejected_uploads),
                "drafts": [_draft_view(d) for d in self.drafts.values()],
                "publish_jobs": [_job_view(j) for j in self.jobs.values()],
                "published": [_publication_view(p) for p in self.publications.values()],
                "mass_sends": [_mass_view(m) for m in self.mass_sends.values()],
                "previews": {k: list(v) for k, v in self.previews.items()},
                "custom_messages": {k: list(v) for k, v in self.custom_messages.items()},
                "user_activity": [{"appid": a, "openid": o, **v} for (a, o), v in self.user_activity.items()],
                "kf_accounts": list(self.kf_accounts),
                "templates": list(self.templates),
                "events": list(self.events),
                "faults": self.faults.view(),
                "calls": dict(self.calls),
                "datacube_queries": list(self.datacube_queries),
            }


def _draft_view(d: Draft) -> dict:
    return {"media_id": d.media_id, "appid": d.appid, "titles": [a["title"] for a in d.articles],
            "article_count": len(d.articles), "stripped_images": d.stripped_images,
            "updated_at": d.updated_at}


def _job_view(j: PublishJob) -> dict:
    return {"publish_id": j.publish_id, "appid": j.appid, "draft_media_id": j.draft_media_id,
            "publish_status": j.status, "article_id": j.article_id, "fail_idx": j.fail_idx,
            "msg_data_id": j.msg_data_id, "submitted_at": j.submitted_at, "finished_at": j.finished_at}


def _publication_view(p: Publication) -> dict:
    return {"article_id": p.article_id, "appid": p.appid, "source": p.source,
            "titles": [a["title"] for a in p.articles],
            "urls": [p.url(i) for i in range(1, len(p.articles) + 1)],
            "deleted_idx": sorted(p.deleted_idx), "published_at": p.published_at,
            "msg_data_id": p.msg_data_id}


def _mass_view(m: MassSend) -> dict:
    return {"msg_id": m.msg_id, "msg_data_id": m.msg_data_id, "appid": m.appid, "media_id": m.media_id,
            "clientmsgid": m.clientmsgid, "msg_status": m.msg_status, "status": m.final_status,
            "article_id": m.article_id, "sent_at": m.sent_at, "is_to_all": m.is_to_all,
            "tag_id": m.tag_id, "sent_count": m.sent_count}
