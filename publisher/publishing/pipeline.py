"""Working a claimed bundle forward: upload, draft, submit or send, reconcile, poll.

Each WeChat id is committed in its own transaction the moment it is returned, and a
non-idempotent call (submit, mass send) is preceded by a committed "submitting" mark. So
after a crash anywhere, the recorded state says what to do next (the states and every
legal move between them are declared in states.py; `states.move` is the only way a
bundle's status changes):

    pending      nothing irreversible done: (re)use recorded uploads and draft, then submit
    submitting   a submit or send may have been applied: reconcile, never repeat blindly
                 (freepublish: find the draft's articles among the published, and submit
                 again only if, after RECONCILE_JOB_END, the draft is still in the draft box;
                 mass: send again with the same clientmsgid, a minute later, which WeChat
                 answers 45065 + the first msg_id)
    submitted    publish_id / msg_id known: wait for the event, or poll
"""
from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, object_session

from publisher.core.planning import next_day_first_slot
from publisher.core.timeparse import format_beijing
from publisher.models import Account, PublishBundle
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext
from publisher.services.ledger import local_day
from publisher.texts import publishing as texts
from publisher.wechat import (
    ConfigurationError,
    DraftArticle,
    DuplicateClientMsgId,
    Gateway,
    OutcomeUnknown,
    PublishState,
    PublishStatus,
    QuotaExceeded,
    Rejected,
    TransientError,
    WeChatError,
)

from . import article, outcome, quota
from .claim import LEASE
from .crashpoints import crash_point
from .queue import account_plan
from .states import FINAL_VALUES, BundleEvent, move

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=30)
POLL_FIRST = timedelta(seconds=5)
POLL_MAX = timedelta(minutes=5)
# How long a submit with no answer may still be in progress before "not among the
# published" is taken to mean it never happened.
RECONCILE_WAIT = timedelta(minutes=10)
RECONCILE_PAGES = 3
# An unanswered submit whose draft has left the draft box did go through (WeChat takes a
# submitted or published draft out of the box): it is never submitted again, only looked
# for among the published this long, after which staff are asked to check the account.
RECONCILE_GIVE_UP = timedelta(hours=6)
# WeChat documents only that a draft leaves the box once published and that a failed job
# keeps a backup, not when it leaves: it may stay in the box while its job is still
# publishing. So a draft still in the box proves the unanswered submit was not applied
# (or that its job failed, keeping the draft) only once any job it started would have
# ended: freepublish jobs end within minutes, so an hour is taken as that bound.
RECONCILE_JOB_END = timedelta(hours=1)
# WeChat refuses a repeat of a mass send's clientmsgid within a minute of the last (45066).
MASS_REPEAT_SPACING = timedelta(seconds=61)
# How far WeChat's clock may be behind this server's before its times are not believed.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Sent:
    """What a submit or mass send recorded, for the poll that follows it in the same run."""

    mode: str
    publish_id: str | None
    msg_id: int | None
    at: datetime | None


@dataclass
class BundleWork:
    runtime: Runtime
    bundle_id: int
    worker: str
    account: AccountContext | None  # read with the claim (read_start)
    sent: Sent | None = None

    @property
    def clock(self):
        return self.runtime.clock

    @property
    def tz(self):
        return self.runtime.settings.timezone

    def unit(self):
        """One committed step; it also renews the claim, so a long bundle keeps its lease."""
        return _Unit(self)


class ClaimLost(Exception):
    """Another worker holds the bundle now (this one's lease ran out while it was busy)."""


class _Unit:
    def __init__(self, work: BundleWork):
        self.work = work

    def __enter__(self) -> tuple[Session, PublishBundle]:
        self.ctx = self.work.runtime.session_factory.begin()
        self.session = self.ctx.__enter__()
        # FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises): a webhook
        # event finishing the same bundle waits for this step, or this step for it.
        bundle = self.session.execute(_BUNDLE_FOR_UPDATE, {"bundle_id": self.work.bundle_id}).scalar_one()
        if bundle.claimed_by != self.work.worker:
            # Its lease ran out during a slow call and another worker claimed the bundle:
            # going on would make a second draft and submit it a second time.
            self.ctx.__exit__(None, None, None)
            raise ClaimLost(f"bundle {bundle.id} is now held by {bundle.claimed_by}")
        now = self.work.clock.now()
        bundle.claim_expires_at, bundle.updated_at = now + LEASE, now
        self.bundle = bundle
        self.session.info[_ENDS_CLAIM] = bundle.id
        return self.session, bundle

    def __exit__(self, *exc):
        if exc[0] is None and self.bundle.status in FINAL_VALUES:
            # The step that ends the bundle lets go of it in its own commit: a transaction
            # fewer than the runner's release, which then has nothing left to do. (Mostly done
            # already, by _let_go_as_it_ends, in the UPDATE that wrote the end.)
            self.bundle.claimed_by = self.bundle.claim_expires_at = None
        return self.ctx.__exit__(*exc)


# Built once: Session.get builds its SELECT for every call, five times a bundle.
_BUNDLE_FOR_UPDATE = select(PublishBundle).where(PublishBundle.id == bindparam("bundle_id")).with_for_update()
_ENDS_CLAIM = "govpost_unit_bundle"  # in a unit's session.info: the bundle whose claim it holds


@event.listens_for(PublishBundle, "before_update")
def _let_go_as_it_ends(_mapper, _connection, bundle: PublishBundle) -> None:
    """A unit's bundle written in an end state is let go in the same UPDATE: the outcome's
    own flushes write the end before the unit's last line, and letting go then was an UPDATE
    of its own. Outside a unit (a webhook event ending a bundle a worker holds) nothing changes."""
    session = object_session(bundle)
    if session is not None and session.info.get(_ENDS_CLAIM) == bundle.id and bundle.status in FINAL_VALUES:
        bundle.claimed_by = bundle.claim_expires_at = None


@dataclass(frozen=True)
class Start:
    """What a claimed bundle's work begins from: its account, its status, and for a pending
    bundle the pictures WeChat does not hold yet; or `failed`, what stopped it being read."""

    account: AccountContext | None = None
    status: str | None = None
    jobs: tuple[article.Upload, ...] = ()
    failed: Exception | None = None


def read_start(runtime: Runtime, session: Session, bundle_id: int) -> Start:
    """Read in the claim's transaction (`claim.claim_next(then=...)`): it only reads, so nothing
    a crash could lose is in it, and a commit of its own was a transaction more per bundle.
    A pending bundle left with no posts is cancelled, and let go, in the same commit. A bundle
    that cannot be read (a corrupt row, a bug) is reported for `set_aside` while its claim
    stands, instead of ending every pass at the same bundle: what the read changed is dropped
    and the claim's commit goes on. On PostgreSQL the read is in a savepoint, since an SQL
    error aborts the whole transaction there; SQLite's transaction outlives an error, so the
    savepoint's two statements a bundle are spared and the read's ORM changes expunged."""
    try:
        with session.begin_nested() if _errors_abort_transactions(session) else nullcontext():
            return _read_start(runtime, session, bundle_id)
    except Exception as exc:
        session.expunge_all()  # the claim is a Core UPDATE, executed already: it stays
        return Start(failed=exc)


def _errors_abort_transactions(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _read_start(runtime: Runtime, session: Session, bundle_id: int) -> Start:
    bundle, row = session.execute(_BUNDLE_AND_ACCOUNT, {"bundle_id": bundle_id}).one()  # both rows, one statement
    account = AccountContext.of(row, runtime.settings)
    if bundle.status != "pending":
        return Start(account, bundle.status)
    post_ids = outcome.bundle_post_ids(session, bundle.id)
    if not post_ids:
        move(bundle, BundleEvent.CANCELLED, runtime.clock.now())
        bundle.claimed_by = bundle.claim_expires_at = None
        return Start(account, "cancelled")
    return Start(account, "pending", tuple(article.pending_uploads(session, post_ids)))


_BUNDLE_AND_ACCOUNT = (select(PublishBundle, Account).join(Account, Account.id == PublishBundle.account_id)
                       .where(PublishBundle.id == bindparam("bundle_id")))


def advance_bundle(runtime: Runtime, bundle_id: int, worker: str, start: Start) -> str | None:
    """Take a claimed bundle as far as it can go now, from what `read_start` read; returns its
    status afterwards (None if another worker took it over meanwhile)."""
    try:
        return _advance(BundleWork(runtime, bundle_id, worker, start.account), start)
    except ClaimLost as lost:
        log.warning("stopped working on bundle %s: %s", bundle_id, lost)
        return None


def _advance(work: BundleWork, start: Start) -> str:
    runtime = work.runtime
    status, jobs = start.status, list(start.jobs)
    if status == "cancelled":
        return status
    gateway = runtime.gateway(work.account.name)
    try:
        if status == "pending":
            status = _prepare_and_submit(work, gateway, jobs)
        if status == "submitting":
            status = _reconcile(work, gateway)
        if status == "submitted":
            status = _poll(work, gateway)
    except QuotaExceeded as exc:
        status = _defer(work, exc)
    except Rejected as exc:
        reason = texts.ERRCODE_REASONS.get(exc.errcode) or texts.REJECTED_REASON.format(
            errcode=exc.errcode, errmsg=exc.errmsg)
        status = _fail(work, reason, exc.errcode)
    except ConfigurationError as exc:
        if exc.errcode == 48001 and _refused_before_sending(work):
            # An unverified account may not mass-send at all: retrying cannot help.
            status = _fail(work, texts.MASS_UNVERIFIED_REASON, exc.errcode)
        else:
            status = _retry_later(work, exc)
    except WeChatError as exc:
        # Network trouble, -1, a token refused even after the one refresh, configuration:
        # try again with backoff, and give up with a reason after MAX_ATTEMPTS.
        status = _retry_later(work, exc)
    return status


def _refused_before_sending(work: BundleWork) -> bool:
    """The refused call was a mass send that certainly did not go out: _submit put the bundle
    back to pending (a repeat after an unanswered send stays submitting, and is never failed)."""
    with work.unit() as (_, bundle):
        return bundle.mode == "mass" and bundle.status == "pending"


def set_aside(runtime: Runtime, bundle_id: int, worker: str, error: Exception) -> None:
    """A bundle whose step raised something unexpected: record the error on it and back it
    off like a WeChat error, so that the pass goes on with the other bundles. A bundle that
    has sent nothing yet fails with a reason after MAX_ATTEMPTS; one that may have been
    submitted stays to be reconciled."""
    errcode = getattr(error, "errcode", None)
    try:
        with runtime.session_factory.begin() as session:
            bundle = session.get(PublishBundle, bundle_id, with_for_update=True)
            if bundle is None or bundle.claimed_by != worker or bundle.status in FINAL_VALUES:
                return
            now = runtime.clock.now()
            bundle.attempts += 1
            bundle.last_errcode = errcode if isinstance(errcode, int) else None
            bundle.last_error = f"{type(error).__name__}: {error}"[:2000]
            bundle.updated_at = now
            if bundle.attempts >= MAX_ATTEMPTS and bundle.status == "pending":
                outcome.fail_bundle(session, bundle, texts.INTERNAL_ERROR_REASON.format(error=type(error).__name__),
                                    clock=runtime.clock, errcode=bundle.last_errcode)
            else:
                bundle.next_attempt_at = now + min(timedelta(seconds=5 * 2 ** bundle.attempts), MAX_BACKOFF)
    except Exception:
        log.exception("bundle %s: could not record the error on it", bundle_id)


def _prepare_and_submit(work: BundleWork, gateway: Gateway, jobs: list[article.Upload]) -> str:
    crash_point("after_claim")
    uploaded = _upload_images(work, gateway, jobs)
    crash_point("after_upload")
    # The uploads are kept in the unit that asks for the draft: no WeChat call lies between
    # the two, so one commit holds both.
    with work.unit() as (session, bundle):
        article.record_all(session, uploaded)
        media_id = bundle.draft_media_id
        if media_id is None:
            articles = article.publish_articles(session, outcome.drafted_posts(session, bundle.id), work.runtime.settings,
                                                {work.account.id: work.account.settings})
            # Asked before and never recorded: that answer was lost, or the worker died.
            unrecorded = bundle.draft_requested_at is not None
            bundle.draft_requested_at = work.clock.now()
    if media_id is None:
        if unrecorded:
            _remove_unrecorded_drafts(work, gateway, articles)
        try:
            media_id = gateway.add_draft(articles)
        except OutcomeUnknown as exc:
            # Nothing was published; a draft it may have made is removed before the next add.
            raise TransientError(exc.errcode, exc.errmsg) from None
        crash_point("draft_unrecorded")
        # Its own commit, before the "submitting" mark: a worker that dies between the two
        # resumes with a plain submit of this draft, not with an hour of reconciling.
        with work.unit() as (session, bundle):
            bundle.draft_media_id, bundle.draft_requested_at = media_id, None
        log.info("bundle %s: draft %s created", work.bundle_id, media_id)
    crash_point("after_draft")
    return _submit(work, gateway)


def _submit(work: BundleWork, gateway: Gateway) -> str:
    with work.unit() as (session, bundle):
        # A mass send repeated after one that got no answer: that first one may have gone out,
        # and only a repeat with the same clientmsgid can tell (45065), so a refusal of the
        # repeat must not turn the bundle back into "nothing sent".
        sent_maybe = bundle.status == "submitting" and bundle.mode == "mass"
        move(bundle, BundleEvent.MARK_SUBMITTING, work.clock.now())
        bundle.submitting_since = work.clock.now()
        mode, media_id, client_msg_id = bundle.mode, bundle.draft_media_id, bundle.client_msg_id
    try:
        if mode == "mass":
            try:
                sent = gateway.send_mass(media_id, client_msg_id)
                msg_id, msg_data_id = sent.msg_id, sent.msg_data_id
            except DuplicateClientMsgId as duplicate:
                log.info("bundle %s: clientmsgid already sent as msg_id %s", work.bundle_id, duplicate.msg_id)
                msg_id, msg_data_id = duplicate.msg_id, None
            with work.unit() as (session, bundle):
                bundle.msg_id, bundle.msg_data_id = msg_id, msg_data_id or bundle.msg_data_id
                _submitted(work, bundle)
                quota.record_mass_send(session, bundle.account_id, work.account.settings.account_type,
                                       work.clock.now(), work.tz)
        else:
            publish_id = gateway.submit_publish(media_id)
            with work.unit() as (session, bundle):
                bundle.publish_id = publish_id
                _submitted(work, bundle)
    except OutcomeUnknown as exc:
        log.warning("bundle %s: no answer to the %s (errcode %s); reconciling", work.bundle_id,
                    "mass send" if mode == "mass" else "submit", exc.errcode)
        wait = MASS_REPEAT_SPACING if mode == "mass" else timedelta(0)
        with work.unit() as (session, bundle):
            bundle.last_error, bundle.next_attempt_at = str(exc), work.clock.now() + wait
        return "submitting"
    except TransientError:
        if not sent_maybe:
            # Refused, so certainly not applied: the bundle is back to plain pending.
            with work.unit() as (session, bundle):
                move(bundle, BundleEvent.REFUSED, work.clock.now())
        raise
    except (QuotaExceeded, Rejected):
        if not sent_maybe:
            with work.unit() as (session, bundle):
                move(bundle, BundleEvent.REFUSED, work.clock.now())
        raise
    except WeChatError as exc:
        # Any other errcode (a token refused even after the client's refresh, 42001/40001/
        # 40014; a configuration error) is WeChat's answer that it did not apply the call:
        # back to pending and submitted again on the next pass, with a fresh token, instead
        # of waiting out the reconcile meant for calls whose outcome is unknown.
        if exc.errcode is not None and not sent_maybe:
            with work.unit() as (session, bundle):
                move(bundle, BundleEvent.REFUSED, work.clock.now())
        raise
    crash_point("after_submit")
    return "submitted"


def _submitted(work: BundleWork, bundle: PublishBundle) -> None:
    now = work.clock.now()
    move(bundle, BundleEvent.SUBMITTED, now)
    bundle.attempts, bundle.next_attempt_at = 0, now
    bundle.last_error = bundle.last_errcode = None
    work.sent = Sent(bundle.mode, bundle.publish_id, bundle.msg_id, bundle.submitting_since)


def _reconcile(work: BundleWork, gateway: Gateway) -> str:
    with work.unit() as (session, bundle):
        if bundle.submitting_since is None:  # marked before this was recorded: the wait starts now
            bundle.submitting_since = work.clock.now()
        mode, marked_at, media_id = bundle.mode, bundle.submitting_since, bundle.draft_media_id
        due = bundle.next_attempt_at
        thumbs = [article.cover(session, p.id).thumb_media_id for p in outcome.bundle_posts(session, bundle)]
    if mode == "mass":
        if due is not None and work.clock.now() < due:
            return "submitting"  # the send just went unanswered: its repeat waits out the minute
        return _submit(work, gateway)
    found = _find_published(gateway, thumbs)
    if found is not None:
        article_id, urls, published_at = found
        with work.unit() as (session, bundle):
            outcome.complete_published(session, bundle, article_id=article_id, urls=urls,
                                       published_at=published_at, clock=work.clock, timezone=work.tz)
        log.info("bundle %s: reconciled, the submit had been applied (article_id %s)", work.bundle_id, article_id)
        return "published"
    now = work.clock.now()
    if now - marked_at < RECONCILE_WAIT:
        with work.unit() as (session, bundle):
            bundle.next_attempt_at = now + POLL_FIRST
        return "submitting"
    # Not listed (yet): the list may lag, or the job may still be publishing. The draft box
    # tells: a draft that has left it was submitted, and submitting it again would publish
    # the articles twice. A draft still in it may belong to a job still publishing, so it is
    # trusted only after RECONCILE_JOB_END (see there).
    if media_id and not gateway.draft_exists(media_id):
        if now - marked_at >= RECONCILE_GIVE_UP:
            log.error("bundle %s: the unanswered submit took draft %s out of the draft box, but nothing was "
                      "published within %s; failing it for staff to check", work.bundle_id, media_id,
                      RECONCILE_GIVE_UP)
            return _fail(work, texts.SUBMIT_UNCONFIRMED_REASON, None)
        log.info("bundle %s: draft %s has left the draft box, so the unanswered submit went through; "
                 "waiting for it among the published", work.bundle_id, media_id)
        return _wait(work)
    if now - marked_at < RECONCILE_JOB_END:
        return _wait(work)
    log.warning("bundle %s: the unanswered submit is not among the published and draft %s is still in the "
                "draft box; submitting again", work.bundle_id, media_id)
    return _submit(work, gateway)


def _find_published(gateway: Gateway, thumbs: list[str]):
    """The published item whose articles carry exactly this bundle's covers (thumb media ids
    are unique to the bundle's uploads), with its URLs."""
    for page in range(RECONCILE_PAGES):
        _, items = gateway.published_page(page * 20, 20)
        for item in items:
            if [a.thumb_media_id for a in item.articles] == thumbs:
                return item.article_id, {i: a.url for i, a in enumerate(item.articles, start=1)}, item.update_time
        if len(items) < 20:
            return None
    return None


def _remove_unrecorded_drafts(work: BundleWork, gateway: Gateway, articles: list[DraftArticle]) -> None:
    """Delete the drafts a draft/add of this bundle made without govpost learning their
    media_id: those with exactly this bundle's articles (title and cover, in order; the
    covers' media ids are this bundle's own uploads). None of them can be submitted by
    anyone: the bundle has recorded no draft, and its posts are in no other active bundle,
    so a match is either that lost draft or one an ended bundle of the same posts left."""
    wanted = [(a.title, a.thumb_media_id) for a in articles]
    found = []
    for page in range(RECONCILE_PAGES):
        _, drafts = gateway.drafts_page(page * 20, 20)
        found += [d.media_id for d in drafts if [(a.title, a.thumb_media_id) for a in d.articles] == wanted]
        if len(drafts) < 20:
            break
    for media_id in found:
        try:
            gateway.delete_draft(media_id)
        except Rejected:
            pass  # gone already (an ended bundle's delete task got there first)
        log.info("bundle %s: removed draft %s, made by a draft/add whose answer was lost", work.bundle_id,
                 media_id)


def _poll(work: BundleWork, gateway: Gateway) -> str:
    sent = work.sent
    if sent is None:  # submitted by an earlier run
        with work.unit() as (session, bundle):
            sent = Sent(bundle.mode, bundle.publish_id, bundle.msg_id, bundle.submitting_since)
    mode, publish_id, msg_id, sent_at = sent.mode, sent.publish_id, sent.msg_id, sent.at
    now = work.clock.now()
    if mode == "mass":
        state = gateway.mass_status(msg_id)
        if state == "SENDING":
            return _wait(work)
        with work.unit() as (session, bundle):
            if state in ("SEND_SUCCESS", "DELETE"):
                # A 群发 carries the time it was sent, not the time govpost next asked: sent at
                # 23:59:59 on 31 December and polled after midnight, it belongs to the old year.
                outcome.complete_published(session, bundle, article_id=None, urls={},
                                           published_at=sent_at or now, clock=work.clock, timezone=work.tz)
            else:
                reason = (texts.MASS_PLAIN_FAILURE if state.lower() in texts.MASS_PLAIN_FAILURE_STATUSES
                          else texts.MASS_FAILED_REASON)
                outcome.fail_bundle(session, bundle, reason.format(status=state), clock=work.clock)
            return bundle.status
    result = gateway.publish_status(publish_id)
    if result.status == PublishState.PUBLISHING:
        return _wait(work)
    published_at = None
    if result.status == PublishState.SUCCESS and _day_in_doubt(sent_at, now, work.tz):
        listed = _listed_at(gateway, result.article_id)
        # Believed only between the submit and now: a WeChat time outside that says the two
        # clocks disagree, and govpost's own is the one its ledger is kept by.
        if listed is not None and (sent_at is None or sent_at - CLOCK_SKEW <= listed) and listed <= now:
            published_at = listed
    with work.unit() as (session, bundle):
        apply_publish_status(session, bundle, result, work.clock, work.tz, published_at=published_at)
        return bundle.status


def _day_in_doubt(sent_at: datetime | None, now: datetime, tz) -> bool:
    """Whether the poll's time could put the post in the wrong ledger day. The job went out
    between the submit and this poll: when both fall on the same 北京时间 day, so does the
    publication, and the poll's time stands (its day, which the report counts by, is
    certain) without one more call to WeChat per post."""
    return sent_at is None or local_day(sent_at, tz) != local_day(now, tz)


def _listed_at(gateway: Gateway, article_id: str | None) -> datetime | None:
    """When WeChat says the job went out (freepublish/batchget's update_time): freepublish/get
    gives no time, and the time of the poll that saw it done may fall in the next day, or
    the next year."""
    try:
        _, items = gateway.published_page(0, 20)
    except WeChatError as exc:
        log.warning("published time of article %s not read (%s); the poll's time stands", article_id, exc)
        return None
    return next((item.update_time for item in items if item.article_id == article_id), None)


def apply_publish_status(session, bundle, result: PublishStatus, clock, tz, *,
                         published_at: datetime | None = None) -> None:
    """Act on a publish job's state, whether polled or pushed by PUBLISHJOBFINISH."""
    status, fail_idx = result.status, result.fail_idx
    if status == PublishState.SUCCESS:
        outcome.complete_published(session, bundle, article_id=result.article_id, urls=dict(result.articles),
                                   published_at=published_at or clock.now(), clock=clock, timezone=tz)
    elif status != PublishState.PUBLISHING:
        reason = texts.PUBLISH_STATUS_REASONS.get(status, texts.PUBLISH_STATUS_REASONS[3])
        fail_idx = fail_idx if status in (PublishState.ORIGINAL_CHECK_FAILED, PublishState.REVIEW_REJECTED) else None
        outcome.fail_bundle(session, bundle, reason, clock=clock, errcode=status, fail_idx=fail_idx)


def _wait(work: BundleWork) -> str:
    with work.unit() as (_, bundle):
        bundle.attempts += 1
        bundle.next_attempt_at = work.clock.now() + min(POLL_FIRST * 2 ** min(bundle.attempts, 10), POLL_MAX)
        return bundle.status


def _retry_later(work: BundleWork, error: WeChatError) -> str:
    with work.unit() as (session, bundle):
        bundle.attempts += 1
        bundle.last_errcode, bundle.last_error = error.errcode, str(error)[:2000]
        if bundle.attempts >= MAX_ATTEMPTS and bundle.status == "pending":
            outcome.fail_bundle(session, bundle, texts.RETRIES_EXHAUSTED.format(error=error),
                                clock=work.clock, errcode=error.errcode)
        else:
            bundle.next_attempt_at = work.clock.now() + min(timedelta(seconds=5 * 2 ** bundle.attempts), MAX_BACKOFF)
            log.warning("bundle %s: %s (errcode %s); attempt %d, next at %s", bundle.id, type(error).__name__,
                        error.errcode, bundle.attempts, bundle.next_attempt_at.isoformat())
        return bundle.status


def _defer(work: BundleWork, error: QuotaExceeded) -> str:
    with work.unit() as (_, bundle):
        may_be_out = bundle.status != "pending"
    if may_be_out:
        # The quota ran out after the submit or send (a poll, or the repeat of an unanswered
        # mass send, refused 45009/45028): the articles are out or on their way, and
        # deferring would queue them to go out a second time. Only the asking waits.
        return _retry_later(work, error)
    now = work.clock.now()
    with work.unit() as (session, bundle):
        account = work.account
        if error.errcode == 45028:
            quota.exhaust_mass_period(session, account.id, account.settings.account_type, now, work.tz)
            why = texts.DEFER_WHY_MASS_QUOTA
        else:
            quota.block_day(session, account.id, now, work.tz)
            why = texts.DEFER_WHY_API_QUOTA
        session.flush()
        until = next_day_first_slot(now, account_plan(session, account, work.runtime.settings))
        outcome.defer_bundle(session, bundle, why, clock=work.clock, when=format_beijing(until, work.tz), until=until)
        log.warning("bundle %s deferred: errcode %s", bundle.id, error.errcode)
        return "deferred"


def _fail(work: BundleWork, reason: str, errcode: int | None) -> str:
    with work.unit() as (session, bundle):
        outcome.fail_bundle(session, bundle, reason, clock=work.clock, errcode=errcode)
        return "failed"


# -- images ------------------------------------------------------------------------------


def _upload_images(work: BundleWork, gateway: Gateway,
                   jobs: list[article.Upload]) -> list[tuple[article.Upload, object]]:
    """Upload the bundle's pictures not uploaded yet; the answers are for the caller's next
    unit to keep (the draft's). They are kept in a unit of their own when an upload fails
    half-way, or sooner when the uploads have taken a third of the lease, which that unit
    renews. A pipeline killed before they are kept uploads those pictures again when it
    resumes: harmless, a picture is not a publication (the draft and the publish, which are,
    keep their own unit each). Two units per picture (a commit, a row lock and a lease
    renewal each) were more than half of a publish's time."""
    uploaded: list[tuple[article.Upload, object]] = []
    kept_at = work.clock.now()
    try:
        for pending in jobs:
            uploaded.append((pending, article.upload(gateway, pending)))
            if work.clock.now() - kept_at >= LEASE / 3:
                _keep_uploads(work, uploaded)
                kept_at = work.clock.now()
    except BaseException:
        _keep_uploads(work, uploaded)
        raise
    return uploaded


def _keep_uploads(work: BundleWork, uploaded: list[tuple[article.Upload, object]]) -> None:
    if not uploaded:
        return
    with work.unit() as (session, _):
        article.record_all(session, uploaded)
    uploaded.clear()


