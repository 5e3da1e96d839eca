"""Helpers of the publishing tests: the sandbox served over HTTP, settings pointed at it,
queued posts with pictures, and running the pipeline until it settles. The fixtures built
on them (`sandbox_server`, `make_runtime`) are in tests/conftest.py."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import requests

from bot.sandbox_accounts import sandbox_accounts
from publisher.db import transaction
from publisher.lifecycle import Status
from publisher.models import Post, PostBlock, PostImage, Staff
from publisher.publishing.runner import run_publishing_pass
from publisher.publishing.states import ACTIVE_VALUES
from publisher.runtime import Runtime
from publisher.sandbox import create_app as create_sandbox_app
from publisher.sandbox.clock import beijing
from publisher.services.accounts import account_by_name
from tests.conftest import BEIJING, make_settings
from tests.support import LiveServer

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200 + b"\xff\xd9"


class LiveSandbox:
    def __init__(self, settings, *, latency: float = 0.0):
        accounts = [replace(a, push_url=None) for a in sandbox_accounts(settings)]
        self.app = create_sandbox_app(accounts, publish_delay=0, token_ttl=7200, latency=latency)
        self.live = LiveServer(self.app)
        self.url = self.live.url

    def fault(self, **rule) -> None:
        requests.post(self.url + "sandbox/faults", json=rule, timeout=5).raise_for_status()

    def advance(self, seconds: float) -> None:
        requests.post(self.url + "sandbox/clock", json={"advance": seconds}, timeout=5).raise_for_status()

    def state(self) -> dict:
        return requests.get(self.url + "sandbox/state", timeout=5).json()

    def published_titles(self) -> list[str]:
        """Every article that went out (freepublish or mass), once per time it went out."""
        state = self.app.extensions["sandbox"]
        with state.lock:
            return [a["title"] for p in state.publications.values() for a in p.articles]

    def close(self) -> None:
        self.live.close()


def publishing_settings(database_url: str, api_base: str, **account):
    base = {"name": "default", "display_name": "优干宁镇人民政府", "slots": ["12:00", "18:00"]}
    return make_settings(database_url, wechat_api_base=api_base, accounts=[{**base, **account}])


def add_staff(runtime: Runtime, name: str = "张三", role: str = "editor") -> int:
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, "default")
        member = Staff(account_id=account.id, name=name, role=role, openid=f"o-{name}-openid",
                       active=True, created_at=runtime.clock.now(), bound_at=runtime.clock.now())
        session.add(member)
        session.flush()
        return member.id


def queue_post(runtime: Runtime, title: str, *, author_id: int | None = None, priority: int = 0,
               scheduled_at: datetime | None = None, approved_at: datetime | None = None,
               body_picture: bool = False) -> int:
    """An approved post with a cover and a paragraph (and a picture in the body if asked)."""
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, "default")
        post = Post(account_id=account.id, author_id=author_id, title=title, author_name="党政办",
                    digest="", status=Status.APPROVED.value, priority=priority, scheduled_at=scheduled_at,
                    approved_at=approved_at or now, created_at=now, updated_at=now)
        session.add(post)
        session.flush()
        session.add(PostImage(post_id=post.id, is_cover=True, data=JPEG, content_type="image/jpeg", created_at=now))
        session.add(PostBlock(post_id=post.id, position=1, kind="text", text=f"{title}的正文。"))
        if body_picture:
            picture = PostImage(post_id=post.id, is_cover=False, data=JPEG, content_type="image/jpeg", created_at=now)
            session.add(picture)
            session.flush()
            session.add(PostBlock(post_id=post.id, position=2, kind="image", image_id=picture.id))
        return post.id


def run_until_settled(runtime: Runtime, clock, *, passes: int = 12, step_seconds: float = 60) -> None:
    """Tick, moving the clock on between passes, until a pass finds no bundle to work on
    (a pass may end a bundle and put posts back in the queue for the next one)."""
    from sqlalchemy import func, select

    from publisher.models import PublishBundle

    for _ in range(passes):
        worked = run_publishing_pass(runtime, "test-worker")
        with runtime.session_factory() as session:
            active = session.scalar(select(func.count()).select_from(PublishBundle).where(
                PublishBundle.status.in_(ACTIVE_VALUES)))
        if not active and not worked:
            return
        if active:
            # One time line for both sides, as in life: WeChat's own waits (45066's minute)
            # pass for the sandbox as they pass for govpost.
            clock.advance(seconds=step_seconds)
            requests.post(runtime.settings.wechat_api_base + "sandbox/clock", json={"advance": step_seconds},
                          timeout=5).raise_for_status()
    raise AssertionError("bundles still in progress after all passes")


def post_row(runtime: Runtime, post_id: int) -> Post:
    with runtime.session_factory() as session:
        return session.get(Post, post_id)


# The reach suites: a mass-sent post, and both clocks on one moment.


def no_wait(_seconds: float) -> None:
    """The pause between calls, recorded by the backfill test, skipped elsewhere."""


def both_clocks_at(sandbox_server, clock, when: datetime) -> None:
    """govpost's clock and the sandbox's (which only moves forward) on the same moment."""
    sandbox_now = beijing(sandbox_server.state()["clock"]["now"])
    sandbox_server.advance(max(0.0, (when - sandbox_now).total_seconds()))
    clock.set(when)


def the_sandbox_day(sandbox_server) -> datetime:
    now = beijing(sandbox_server.state()["clock"]["now"])
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), BEIJING)


def published_mass_post(runtime, sandbox_server, clock, title: str = "合作社分红大会召开") -> tuple[int, date]:
    """A post mass-sent at 12:00 of a day that is still the future for the sandbox."""
    day = the_sandbox_day(sandbox_server)
    post = queue_post(runtime, title, scheduled_at=day.replace(hour=12))
    both_clocks_at(sandbox_server, clock, day.replace(hour=12))
    run_until_settled(runtime, clock)
    return post, day.date()


def at_morning(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), BEIJING).replace(hour=hour, minute=minute)
