"""The outcome of a submit or a mass send as WeChat pushes it to the webhook.

Idempotent: an event may come twice, or after polling has already finished the bundle;
an event for a publish_id or msg_id govpost does not know is logged and ignored (a submit
whose answer was lost is found by reconciliation instead).
"""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.clock import Clock
from publisher.models import Account, PublishBundle
from publisher.texts import publishing as texts
from publisher.wechat import MassSendFinished, PublishStatus

from . import outcome
from .pipeline import apply_publish_status
from .states import FINAL_VALUES, BundleStatus

log = logging.getLogger(__name__)

MASS_SUCCESS = ("send success", "sendsuccess")


def _bundle(session: Session, account: Account, **where) -> PublishBundle | None:
    (column, value), = where.items()
    # Locked, so that a worker polling the same bundle finishes before or after, never during.
    return session.scalar(
        select(PublishBundle)
        .where(PublishBundle.account_id == account.id, getattr(PublishBundle, column) == value)
        .with_for_update()
    )


def handle_publish_job_finished(
    session: Session, account: Account, event: PublishStatus, *, clock: Clock, timezone: ZoneInfo
) -> None:
    bundle = _bundle(session, account, publish_id=event.publish_id)
    if bundle is None:
        log.warning("PUBLISHJOBFINISH for unknown publish_id %s (account %s)", event.publish_id, account.name)
        return
    if bundle.status in FINAL_VALUES:
        return
    apply_publish_status(session, bundle, event, clock, timezone)


def handle_mass_send_finished(
    session: Session, account: Account, event: MassSendFinished, *, clock: Clock, timezone: ZoneInfo
) -> None:
    bundle = _bundle(session, account, msg_id=event.msg_id)
    if bundle is None:
        log.warning("MASSSENDJOBFINISH for unknown msg_id %s (account %s)", event.msg_id, account.name)
        return
    if bundle.status in FINAL_VALUES and bundle.status != BundleStatus.PUBLISHED:
        # A published one still learns its links from the event; one that already ended
        # otherwise (its posts failed and left it) is not reopened by a late or repeated event.
        log.warning("MASSSENDJOBFINISH for bundle %s, already %s: ignored", bundle.id, bundle.status)
        return
    if event.status.lower() in MASS_SUCCESS:
        outcome.complete_published(session, bundle, article_id=None, urls=dict(event.article_urls),
                                   published_at=clock.now(), clock=clock, timezone=timezone)
    else:
        log.warning("bundle %s: mass send %s ended %s", bundle.id, event.msg_id, event.status)
        reason = (texts.MASS_PLAIN_FAILURE if event.status.lower() in texts.MASS_PLAIN_FAILURE_STATUSES
                  else texts.MASS_FAILED_REASON)
        outcome.fail_bundle(session, bundle, reason.format(status=event.status), clock=clock)
