"""One publishing pass over every account: make due bundles, then work each claimable one."""
from __future__ import annotations

import logging
import os
import socket

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from publisher.db import read_only
from publisher.lifecycle import Status
from publisher.models import Account, Post
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext

from . import claim
from .pipeline import advance_bundle, read_start, set_aside
from .queue import materialize_due
from .states import FINAL_VALUES

log = logging.getLogger(__name__)

# Bundles one pass works on at most, so that a long queue does not hold off the tick's other
# work (background tasks, the heartbeat /healthz reads) for long.
PASS_LIMIT = 20


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def run_publishing_pass(runtime: Runtime, worker: str | None = None) -> int:
    """Returns how many bundles were worked on."""
    worker = worker or worker_name()
    queued = _accounts_with_queued_posts(runtime)
    for configured in runtime.settings.accounts:
        if configured.name not in queued:
            continue  # nothing to bundle: its plan is empty, and its transaction would change nothing
        account = AccountContext(queued[configured.name], configured.name, configured)
        try:
            with runtime.session_factory.begin() as session:
                if claim.lock_account_for_bundling(session, account.id):
                    materialize_due(session, account, runtime.settings, runtime.clock)
        except (StaleDataError, OperationalError) as exc:
            # Another process bundled the same posts at the same moment; its bundles stand.
            log.info("bundling for %s skipped this pass: %s", configured.name, type(exc).__name__)
    advanced = 0
    passed: set[int] = set()  # each bundle at most once a pass, whatever state it is left in
    for _ in range(PASS_LIMIT):
        try:
            claimed = claim.claim_next(runtime.session_factory, worker, runtime.clock.now(), passed=passed,
                                       then=lambda session, bundle_id: read_start(runtime, session, bundle_id))
        except Exception:
            log.exception("no bundle could be claimed; this pass ends")
            break
        if claimed is None:
            break
        bundle_id, start = claimed
        passed.add(bundle_id)
        # Each bundle on its own: one that raises something unexpected (a bug, a corrupt row,
        # an answer WeChat never gave before) is set aside with backoff, and the rest go on.
        status = None
        try:
            if start.failed is not None:
                raise start.failed
            status = advance_bundle(runtime, bundle_id, worker, start)
            advanced += 1
        except Exception as exc:
            log.exception("bundle %s: unexpected %s (errcode %s) while publishing; set aside", bundle_id,
                          type(exc).__name__, getattr(exc, "errcode", None))
            set_aside(runtime, bundle_id, worker, exc)
        finally:
            if status not in FINAL_VALUES:  # an ended bundle was let go by the step that ended it
                try:
                    claim.release(runtime.session_factory, bundle_id, worker)
                except Exception:
                    log.exception("bundle %s: could not release the claim; it lapses with the lease", bundle_id)
    return advanced


# Approved posts not in a bundle yet: what `materialize_due` can bundle.
_QUEUED_ACCOUNTS = (select(Account.name, Account.id).distinct().join(Post, Post.account_id == Account.id)
                    .where(Post.status == Status.APPROVED.value, Post.bundle_id.is_(None)))


def _accounts_with_queued_posts(runtime: Runtime) -> dict[str, int]:
    """The accounts whose queue holds a post (name: row id), in one read that takes no write
    lock: an account with an empty queue has an empty plan, and its bundling transaction (a
    write lock, three reads) did nothing. Most passes of most accounts are such, and a post
    approved after this read is bundled by the next pass, as one approved after the account's
    bundling was. The row ids come with it, so the bundling does not read the account again."""
    with read_only(runtime.session_factory)() as session:
        return {name: account_id for name, account_id in session.execute(_QUEUED_ACCOUNTS)}
