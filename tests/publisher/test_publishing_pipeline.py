"""The pipeline against the sandbox over HTTP, with the real wechatpy client."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from publisher.models import LedgerEntry, PublishBundle, Task
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.publisher.conftest_publishing import *  # noqa: F401,F403
from tests.publisher.conftest_publishing import add_staff, post_row, queue_post, run_until_settled


def _notices(runtime) -> list[str]:
    with runtime.session_factory() as session:
        return [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]


def test_posts_of_a_slot_go_out_as_one_freepublish_bundle_with_ledger_rows_and_links(
    make_runtime, sandbox_server, clock
):
    runtime = make_runtime(mode="freepublish")
    author = add_staff(runtime)
    first = queue_post(runtime, "春耕备耕工作部署会召开", author_id=author, body_picture=True)
    second = queue_post(runtime, "防汛演练", author_id=author, priority=5)

    run_publishing_pass(runtime, "w")
    assert sandbox_server.published_titles() == []  # 10:00: the 12:00 slot is not due yet

    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["防汛演练", "春耕备耕工作部署会召开"]  # priority first
    posts = [post_row(runtime, first), post_row(runtime, second)]
    assert {p.status for p in posts} == {"published"}
    assert all(p.article_url and p.article_url.startswith(sandbox_server.url) for p in posts)
    with runtime.session_factory() as session:
        rows = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        bundle = session.scalar(select(PublishBundle))
    assert [r.title for r in rows] == ["防汛演练", "春耕备耕工作部署会召开"]
    assert [r.external_key for r in rows] == [f"wechat:{bundle.article_id}:1", f"wechat:{bundle.article_id}:2"]
    assert any(posts[0].article_url in text for text in _notices(runtime))
