"""How many SQL statements publishing a bundle costs (docs/benchmarks.md, issue 15): most of a
publish's time beside the WeChat calls is SQLAlchemy's Python work per statement and the
commit of each step, so a change that adds statements or steps to the pipeline should be a
decision, not an accident. BEGIN, SAVEPOINT and RELEASE count as statements too.

The limits are what the path costs now, for a bundle of eight posts by one author, each
with a cover and a picture in its body: bundling, claim, uploads, draft, submit, poll,
the outcome (posts, ledger rows, audit rows, the author's notices) and the release."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from publisher.models import AuditEntry, LedgerEntry, Post, Task
from publisher.publishing.runner import run_publishing_pass
from tests.conftest import BEIJING
from tests.publishing_support import add_staff, queue_post
from tests.support import counting

POSTS = 8
# Before (main at 56f1b4b): 219 statements in 21 transactions (BEGIN) for one such bundle, the
# first token fetch of the account (6 transactions) included; 77 in 15 at aafb90a, before the
# posts' versioned UPDATEs at bundling and at the outcome became one statement each and the
# token's first fetch three transactions, and the bundle's first read went into the claim's
# transaction (a savepoint there, so that a bundle that cannot be read is set aside); 58 in 11
# at 6095c1c, before the claim chose and leased in one UPDATE, the token's fetch took two
# transactions, the bundle's and its account's rows (and the pictures and the blocks showing
# them) came in one statement each, the end let the claim go in the UPDATE that wrote it, and
# the clientmsgid was set on mass bundles only. The pass's read of the accounts with a queue
# (a deferred transaction, so that an account with nothing queued costs no write lock) is one
# transaction more here, for one account, and many fewer for a township's every tick.
STATEMENT_LIMIT = 52
TRANSACTION_LIMIT = 11


def _publish_one_bundle(runtime, clock, posts: int) -> list[str]:
    author = add_staff(runtime)
    for n in range(posts):
        queue_post(runtime, f"第{n + 1}篇动态", author_id=author, body_picture=True)
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    with counting(runtime.engine) as statements:
        worked = run_publishing_pass(runtime, "w")
    assert worked == 1
    return statements


def test_publishing_a_bundle_costs_at_most_its_stated_number_of_statements(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    statements = _publish_one_bundle(runtime, clock, POSTS)

    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Post).where(Post.status == "published")) == POSTS
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == POSTS
        assert session.scalar(select(func.count()).select_from(Task).where(Task.kind == "send_text")) == POSTS
    begins = [s for s in statements if s.startswith("BEGIN")]
    listing = f"{len(statements)} statements, {len(begins)} transactions:\n" + "\n".join(statements)
    assert len(begins) <= TRANSACTION_LIMIT, listing
    assert len(statements) <= STATEMENT_LIMIT, listing


def test_a_published_bundle_keeps_every_audit_row_of_its_posts_and_ledger(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="freepublish")
    _publish_one_bundle(runtime, clock, 3)

    with runtime.session_factory() as session:
        actions = session.execute(select(AuditEntry.action, AuditEntry.post_id)).all()
        entries = session.scalars(select(LedgerEntry.id)).all()
        ledger_audits = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "ledger.add")).all()
    assert sum(1 for action, _ in actions if action == "post.publish_succeeded") == 3
    assert sorted(d["entry_id"] for d in ledger_audits) == sorted(entries)
