"""The shared access token of each appid, fetched once however many callers ask at once.

Every process and thread of a deployment reads the token from one store (the database, or
Redis when configured). When it is missing or about to expire, callers take a lock, read
again, and only the one still seeing no usable token fetches; the others find its token
when they get the lock (or see it appear while they wait).
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from publisher.core.clock import Clock, SystemClock
from publisher.db import insert_ignoring_duplicates
from publisher.models import WeChatToken

from .errors import TransientError

log = logging.getLogger(__name__)

# A token with less than this left is treated as expired: a call started now must not
# arrive at WeChat after the token died.
EXPIRY_MARGIN = timedelta(seconds=60)
# How long a fetcher may hold the lock before others may take it over (a fetch that
# takes longer than this has timed out anyway).
LOCK_LEASE = timedelta(seconds=30)
LOCK_WAIT_SECONDS = 45.0


@dataclass(frozen=True)
class FetchedToken:
    access_token: str
    expires_in: int


# fetch(force_refresh) -> FetchedToken. force_refresh=True asks WeChat for a new token even
# though it believes the current one is valid (used after the platform refused it).
Fetch = Callable[[bool], FetchedToken]


@dataclass(frozen=True)
class _Cached:
    access_token: str
    expires_at: datetime


@dataclass
class _Held:
    """What the holder of an appid's fetch lock learns and leaves: `found` is a usable token
    another caller stored (seen while waiting, or on taking the lock), so no fetch is needed;
    `kept` is the token this holder fetched, which the store writes as it lets the lock go."""

    found: str | None = None
    kept: _Cached | None = None


class TokenStore:
    """Shared get-or-fetch of access tokens. Subclasses provide storage and the lock."""

    def __init__(self, clock: Clock | None = None):
        self.clock = clock or SystemClock()
        # The last token this process read or wrote, per appid. wechatpy reads `access_token`
        # twice per API call; without this each call cost two store round trips. It is only a
        # copy: a token refused by WeChat (`replace_rejected`) or near expiry is read again from
        # the store, which stays the one place processes share tokens through.
        self._memory: dict[str, _Cached] = {}

    def get(self, appid: str, fetch: Fetch) -> str:
        """A token with more than a minute left, fetching it (once, under the lock) if needed."""
        return self._obtain(appid, fetch, rejected=None)

    def replace_rejected(self, appid: str, rejected: str, fetch: Fetch) -> str:
        """A token other than `rejected`: another caller's newer one, or a forced fetch."""
        return self._obtain(appid, fetch, rejected=rejected)

    # Whether `_obtain` reads the store before it asks for the lock. A store whose lock is
    # taken by a statement that also reads the token (DatabaseTokenStore) skips that read.
    reads_before_locking = True

    def _obtain(self, appid: str, fetch: Fetch, rejected: str | None) -> str:
        found = self._fresh(appid, rejected) if self.reads_before_locking else self._remembered(appid, rejected)
        if found:
            return found
        with self._lock(appid, rejected, lambda: self._fresh(appid, rejected)) as held:
            if held.found:
                return held.found
            token = fetch(False)
            if rejected is not None and token.access_token == rejected:
                # WeChat still hands out the token it refused. Only a forced refresh replaces it;
                # forcing is kept for this case because it is limited to 20 a day and revokes the
                # old token for every process at once.
                token = fetch(True)
            held.kept = _Cached(token.access_token, self.clock.now() + timedelta(seconds=token.expires_in))
        # Remembered only once the store has it: a token that failed to be written is not
        # one the other processes could share.
        self._memory[appid] = held.kept
        return held.kept.access_token

    def _remembered(self, appid: str, rejected: str | None) -> str | None:
        remembered = self._memory.get(appid)
        return remembered.access_token if remembered is not None and self._usable(remembered, rejected) else None

    def _fresh(self, appid: str, rejected: str | None) -> str | None:
        remembered = self._remembered(appid, rejected)
        if remembered:
            return remembered
        cached = self._read(appid)
        if cached is None:
            return None
        self._memory[appid] = cached
        return cached.access_token if self._usable(cached, rejected) else None

    def _usable(self, cached: _Cached, rejected: str | None) -> bool:
        return cached.access_token != rejected and cached.expires_at - self.clock.now() > EXPIRY_MARGIN

    def _read(self, appid: str) -> _Cached | None:
        raise NotImplementedError

    def _write(self, appid: str, access_token: str, expires_at: datetime) -> None:
        raise NotImplementedError

    def _lock(self, appid: str, rejected: str | None, check: Callable[[], str | None]):
        """Context manager holding the appid's fetch lock; yields a `_Held` whose `found` is a
        token `check` found while waiting (the lock is then not taken) or that the store holds
        once the lock is taken, and writes the `kept` token before the lock is let go."""
        raise NotImplementedError


class DatabaseTokenStore(TokenStore):
    """Tokens in the `wechat_tokens` table; the lock is a lease taken by a conditional UPDATE,
    so it holds across processes on SQLite and PostgreSQL alike. The UPDATE takes the lease
    only when the stored token is not usable, and the same transaction reads the token when
    it is: so the store is not read before the lock is asked for, and a token's fetch costs
    two transactions (the lease, then the token written as the lease is let go)."""

    poll_seconds = 0.05
    reads_before_locking = False

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock | None = None):
        super().__init__(clock)
        self.session_factory = session_factory

    def _read(self, appid: str) -> _Cached | None:
        with self.session_factory() as session:
            row = session.execute(
                select(WeChatToken.access_token, WeChatToken.expires_at).where(WeChatToken.appid == appid)
            ).first()
        if row is None or not row.access_token or row.expires_at is None:
            return None
        return _Cached(row.access_token, row.expires_at)

    def _write(self, appid: str, access_token: str, expires_at: datetime) -> None:
        with self.session_factory() as session, session.begin():
            session.execute(
                update(WeChatToken)
                .where(WeChatToken.appid == appid)
                .values(
                    access_token=access_token,
                    expires_at=expires_at,
                    fetch_count=WeChatToken.fetch_count + 1,
                )
            )

    def _ensure_row(self, appid: str) -> None:
        try:
            with self.session_factory() as session, session.begin():
                if session.get(WeChatToken, appid) is None:
                    session.execute(insert(WeChatToken).values(appid=appid, fetch_count=0))
        except IntegrityError:
            pass  # another caller inserted it between our read and our insert: that is all we wanted

    def _try_acquire(self, appid: str, owner: str, rejected: str | None) -> tuple[bool, _Cached | None]:
        """Take the lease in one transaction, creating the appid's row with it the first time,
        unless the row holds a usable token (another caller may have stored one since this
        caller last looked); whether it was taken, and that usable token when it was not."""
        now = self.clock.now()
        lease = {"owner": owner, "until": now + LOCK_LEASE}
        with self.session_factory() as session, session.begin():
            taken = session.execute(_TAKE_LEASE[rejected is not None], {
                "for_appid": appid, "now": now, "usable_after": now + EXPIRY_MARGIN, "rejected": rejected, **lease,
            }).first()
            if taken is not None:
                return True, None
            row = session.execute(_READ_TOKEN, {"for_appid": appid}).first()
            if row is not None:
                stored = _Cached(row.access_token, row.expires_at) if row.access_token and row.expires_at else None
                # A usable token, or the lease is another caller's (who is fetching one).
                return False, stored
            # No row yet (the appid's first fetch): it comes leased to this caller, unless another
            # caller made it meanwhile (ON CONFLICT DO NOTHING).
            created = session.execute(_create_leased(session), {"for_appid": appid, **lease}).first()
            return created is not None, None

    def _release(self, appid: str, owner: str, kept: _Cached | None = None) -> None:
        """Let the lease go, writing the fetched token in the same statement."""
        params = {"for_appid": appid, "owner": owner}
        if kept is not None:
            params.update(new_token=kept.access_token, new_expiry=kept.expires_at)
        with self.session_factory() as session, session.begin():
            session.execute(_RELEASE[kept is not None], params)

    @contextmanager
    def _lock(self, appid: str, rejected: str | None, check: Callable[[], str | None]) -> Iterator[_Held]:
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            taken, stored = self._try_acquire(appid, owner, rejected)
            if taken:
                break
            if stored is not None:
                self._memory[appid] = stored
                if self._usable(stored, rejected):
                    yield _Held(found=stored.access_token)
                    return
            if time.monotonic() > deadline:
                raise TransientError(None, "timed out waiting for another process to fetch the access token")
            time.sleep(self.poll_seconds)
        held = _Held()
        try:
            yield held
        except BaseException:
            self._release(appid, owner)
            raise
        self._release(appid, owner, held.kept)


# The lease's statements, built once (an account's first token fetch is a bundle's first
# step, and building them cost more Python than running them). Parameters by name.
def _take_lease(rejecting: bool):
    """Take the lease unless it is held or the stored token is usable (and not the refused one)."""
    token, expires_at = WeChatToken.access_token, WeChatToken.expires_at
    usable = token.is_not(None) & expires_at.is_not(None) & (expires_at > bindparam("usable_after"))
    if rejecting:
        usable &= token != bindparam("rejected")
    return (update(WeChatToken)
            .where(WeChatToken.appid == bindparam("for_appid"),
                   WeChatToken.lock_until.is_(None) | (WeChatToken.lock_until < bindparam("now")),
                   ~usable)
            .values(lock_owner=bindparam("owner"), lock_until=bindparam("until"))
            .returning(WeChatToken.appid))


def _release_lease(keeping: bool):
    """Let the lease go if it is still the owner's, writing the fetched token when `keeping`."""
    mine = WeChatToken.lock_owner == bindparam("owner")
    values = {"lock_owner": case((mine, None), else_=WeChatToken.lock_owner),
              "lock_until": case((mine, None), else_=WeChatToken.lock_until)}
    if keeping:
        values.update(access_token=bindparam("new_token"), expires_at=bindparam("new_expiry"),
                      fetch_count=WeChatToken.fetch_count + 1)
    return update(WeChatToken).where(WeChatToken.appid == bindparam("for_appid")).values(**values)


_TAKE_LEASE = {rejecting: _take_lease(rejecting) for rejecting in (False, True)}
_RELEASE = {keeping: _release_lease(keeping) for keeping in (False, True)}
_READ_TOKEN = select(WeChatToken.access_token, WeChatToken.expires_at).where(WeChatToken.appid == bindparam("for_appid"))
_CREATE_LEASED: dict[str, object] = {}  # by dialect: ON CONFLICT DO NOTHING is each dialect's own


def _create_leased(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect not in _CREATE_LEASED:
        _CREATE_LEASED[dialect] = (
            insert_ignoring_duplicates(session, WeChatToken)
            .values(appid=bindparam("for_appid"), fetch_count=0, lock_owner=bindparam("owner"), lock_until=bindparam("until"))
            .returning(WeChatToken.appid))
    return _CREATE_LEASED[dialect]


class RedisTokenStore(TokenStore):
    """Tokens in Redis under `<prefix><appid>`, locked with redis-py's `Lock`."""

    def __init__(self, redis_client, *, key_prefix: str = "govpost:wechat-token:", clock: Clock | None = None):
        super().__init__(clock)
        self.redis = redis_client
        self.key_prefix = key_prefix

    def _key(self, appid: str) -> str:
        return f"{self.key_prefix}{appid}"

    def _read(self, appid: str) -> _Cached | None:
        raw = self.redis.get(self._key(appid))
        if not raw:
            return None
        data = json.loads(raw)
        return _Cached(data["access_token"], datetime.fromisoformat(data["expires_at"]))

    def _write(self, appid: str, access_token: str, expires_at: datetime) -> None:
        ttl = max(1, int((expires_at - self.clock.now()).total_seconds()))
        value = json.dumps({"access_token": access_token, "expires_at": expires_at.isoformat()})
        self.redis.set(self._key(appid), value, ex=ttl)

    @contextmanager
    def _lock(self, appid: str, rejected: str | None, check: Callable[[], str | None]) -> Iterator[_Held]:
        lock = self.redis.lock(
            self._key(appid) + ":lock",
            timeout=LOCK_LEASE.total_seconds(),
            blocking_timeout=LOCK_WAIT_SECONDS,
        )
        if not lock.acquire():
            found = check()
            if found:
                yield _Held(found=found)
                return
            raise TransientError(None, "timed out waiting for another process to fetch the access token")
        try:
            held = _Held(found=check())  # stored by the caller that held the lock before
            yield held
            if held.kept is not None:
                self._write(appid, held.kept.access_token, held.kept.expires_at)
        finally:
            from redis.exceptions import RedisError

            try:
                lock.release()
            except RedisError as exc:  # lease ran out (LockError) or Redis went away: it lapses by itself
                log.warning("access token lock for %s not released (%s); it lapses with its lease", appid,
                            type(exc).__name__)


class RedisWithDatabaseFallback(TokenStore):
    """Redis first, the database whenever Redis cannot be reached (publisher.redis_link).

    Every fetched token is written to the database as well as to Redis, so a process that
    falls back (or a Redis restarted empty) finds the current token there instead of
    fetching a new one; only a token that is really missing or expiring is fetched, once per
    appid under the database lock."""

    def __init__(self, link, session_factory: sessionmaker[Session], *, key_prefix: str = "govpost:wechat-token:",
                 clock: Clock | None = None):
        super().__init__(clock)
        self.link = link
        self.redis_store = RedisTokenStore(link.client, key_prefix=key_prefix, clock=clock)
        self.database_store = DatabaseTokenStore(session_factory, clock=clock)

    def _via_redis(self, call, fallback):
        from redis.exceptions import RedisError  # here: without Redis configured, no process loads redis

        if not self.link.usable:
            return fallback()
        try:
            result = call()
        except RedisError as exc:
            self.link.lost(exc)
            return fallback()
        self.link.answered()
        return result

    def _read(self, appid: str) -> _Cached | None:
        return self._via_redis(lambda: self.redis_store._read(appid), lambda: None) or self.database_store._read(appid)

    def _write(self, appid: str, access_token: str, expires_at: datetime) -> None:
        self.database_store._ensure_row(appid)
        self.database_store._write(appid, access_token, expires_at)
        self._via_redis(lambda: self.redis_store._write(appid, access_token, expires_at), lambda: None)

    @contextmanager
    def _lock(self, appid: str, rejected: str | None, check: Callable[[], str | None]) -> Iterator[_Held]:
        with ExitStack() as stack:
            inner = self._via_redis(lambda: stack.enter_context(self.redis_store._lock(appid, rejected, check)),
                                    lambda: stack.enter_context(self.database_store._lock(appid, rejected, check)))
            held = _Held(found=inner.found)
            yield held
            if held.kept is not None:
                # Into both stores (see the class), before the lock is let go.
                self._write(appid, held.kept.access_token, held.kept.expires_at)


def token_store_for(settings, session_factory: sessionmaker[Session], clock: Clock | None = None) -> TokenStore:
    """Redis (falling back to the database) when `settings.redis_url` is set, else the database."""
    if settings.redis_url:
        from publisher.redis_link import redis_link

        return RedisWithDatabaseFallback(redis_link(settings.redis_url), session_factory, clock=clock)
    return DatabaseTokenStore(session_factory, clock=clock)
