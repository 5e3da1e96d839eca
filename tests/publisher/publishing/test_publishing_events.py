"""PUBLISHJOBFINISH / MASSSENDJOBFINISH as the webhook hands them over: idempotent, and in
agreement with polling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from publisher.db import transaction
from publisher.models import Account, LedgerEntry, PublishBundle
from publisher.publishing.events import (
    handle_mass_send_finished,
    handle_publish_job_finished,
)
from publisher.publishing.runner import run_publishing_pass
from publisher.wechat import MassSendFinished, PublishStatus
from tests.conftest import BEIJING
from tests.publishing_support import post_row, queue_post

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)


def _submit_only(runtime, sandbox_server, clock, path: str) -> PublishBundle:
    """Run until the bundle is submitted, with polling held off by a fault."""
    sandbox_server.fault(path=path, errcode=-1, times=5)
    clock.set(NOON)
    run_publishing_pass(runtime, "w")
    with runtime.session_factory() as session:
        bundle = session.scalar(select(PublishBundle))
    assert bundle.status == "submitted"
    return bundle


def _deliver(runtime, clock, handler, event) -> None:
    with transaction(runtime.session_factory) as session:
        handler(session, session.scalar(select(Account)), event, clock=clock, timezone=runtime.settings.timezone)


def test_publish_event_twice_publishes_once(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    first, second = queue_post(runtime, "甲"), queue_post(runtime, "乙")
    bundle = _submit_only(runtime, sandbox_server, clock, "cgi-bin/freepublish/get")
    event = PublishStatus(publish_id=bundle.publish_id, status=0, article_id="ART1",
                               articles=[(1, "https://mp.example/1"), (2, "https://mp.example/2")])

    _deliver(runtime, clock, handle_publish_job_finished, event)
    _deliver(runtime, clock, handle_publish_job_finished, event)

    assert [post_row(runtime, p).article_url for p in (first, second)] == ["https://mp.example/1",
                                                                          "https://mp.example/2"]
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
        assert session.scalar(select(PublishBundle.status)) == "published"


def test_publish_event_after_polling_finished_changes_nothing(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    post = queue_post(runtime, "丙")
    clock.set(NOON)
    run_publishing_pass(runtime, "w")
    url = post_row(runtime, post).article_url
    with runtime.session_factory() as session:
        bundle = session.scalar(select(PublishBundle))

    _deliver(runtime, clock, handle_publish_job_finished,
             PublishStatus(publish_id=bundle.publish_id, status=4, article_id=None, fail_idx=[1]))

    assert post_row(runtime, post).status == "published" and post_row(runtime, post).article_url == url


def test_publish_event_for_an_unknown_job_is_ignored(make_runtime, clock):
    runtime = make_runtime()
    _deliver(runtime, clock, handle_publish_job_finished, PublishStatus(publish_id="999", status=0,
                                                                             article_id="X"))
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_mass_event_after_polling_fills_in_the_links(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "丁")
    clock.set(NOON)
    run_publishing_pass(runtime, "w")  # polled to SEND_SUCCESS: no links yet
    assert post_row(runtime, post).status == "published" and post_row(runtime, post).article_url is None
    with runtime.session_factory() as session:
        msg_id = session.scalar(select(PublishBundle.msg_id))

    event = MassSendFinished(msg_id=msg_id, status="send success", total_count=1000, filter_count=1000,
                             sent_count=1000, error_count=0, article_urls=[(1, "https://mp.example/mass/1")])
    _deliver(runtime, clock, handle_mass_send_finished, event)
    _deliver(runtime, clock, handle_mass_send_finished, event)

    assert post_row(runtime, post).article_url == "https://mp.example/mass/1"
    with runtime.session_factory() as session:
        assert session.scalars(select(LedgerEntry.url)).all() == ["https://mp.example/mass/1"]


def test_failed_mass_event_fails_the_bundle_with_the_status(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "戊")
    bundle = _submit_only(runtime, sandbox_server, clock, "cgi-bin/message/mass/get")

    _deliver(runtime, clock, handle_mass_send_finished,
             MassSendFinished(msg_id=bundle.msg_id, status="err(30003)", total_count=0, filter_count=0,
                              sent_count=0, error_count=0))

    row = post_row(runtime, post)
    assert row.status == "failed" and "err(30003)" in row.failure_reason


def test_mass_success_event_after_the_bundle_failed_leaves_it_failed(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post = queue_post(runtime, "己")
    bundle = _submit_only(runtime, sandbox_server, clock, "cgi-bin/message/mass/get")
    _deliver(runtime, clock, handle_mass_send_finished,
             MassSendFinished(msg_id=bundle.msg_id, status="err(30003)", total_count=0, filter_count=0,
                              sent_count=0, error_count=0))

    _deliver(runtime, clock, handle_mass_send_finished,
             MassSendFinished(msg_id=bundle.msg_id, status="send success", total_count=1, filter_count=1,
                              sent_count=1, error_count=0, article_urls=[(1, "https://mp.example/mass/9")]))

    assert post_row(runtime, post).status == "failed"
    with runtime.session_factory() as session:
        assert session.scalar(select(PublishBundle.status)) == "failed"
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
