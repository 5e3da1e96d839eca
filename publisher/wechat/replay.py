"""The replay cache: a webhook query (timestamp, nonce, signature) is good for one message.

WeChat's signature covers the token, timestamp and nonce but not the body (plain mode), so a
query string copied from any log would otherwise carry any body within the timestamp window.
Each accepted request's query is kept, with the message's dedup key, until it could no longer
pass the timestamp check; the same query again is admitted only for the same message (WeChat's
retry, which then gets the stored answer), and refused for any other.

Kept in the database, or in Redis when configured, so that every process of a deployment
shares it. The hot path is one insert on the primary key (Redis: one SET NX with a TTL);
expired rows are deleted by the scheduler's tick, on the expiry index, never by the webhook.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from publisher.models import WebhookReplay

# With `webhook.timestamp_window = 0` nothing bounds how old a replayed query may be; a day
# still refuses the exact replay of a recent request and keeps the table small.
RETENTION_WITHOUT_WINDOW = timedelta(days=1)


def replay_retention(timestamp_window: int) -> timedelta:
    """How long a query stays refused for another message. A timestamp up to the window ahead
    of our clock is accepted and then stays acceptable for twice the window."""
    if not timestamp_window:
        return RETENTION_WITHOUT_WINDOW
    return timedelta(seconds=2 * timestamp_window)


def replay_key(account_name: str, timestamp: str, nonce: str, signature: str) -> str:
    return hashlib.sha256("\n".join((account_name, timestamp, nonce, signature)).encode("utf-8")).hexdigest()


# Every accepted message runs it: built once, run as plain SQL (not through the ORM).
_ADMIT = insert(WebhookReplay.__table__)


class ReplayCache:
    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta) -> bool:
        """Whether the request with this query key may carry the message `dedup_key`: a key
        not seen yet (it is recorded), or seen with the same message."""
        raise NotImplementedError

    def prune(self, now: datetime) -> int:
        """Forget the expired keys; returns how many."""
        return 0


class DatabaseReplayCache(ReplayCache):
    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta) -> bool:
        expires_at = now + retention
        try:
            with self.session_factory.begin() as session:
                session.connection().execute(_ADMIT, {"key": key, "dedup_key": dedup_key, "expires_at": expires_at})
            return True
        except IntegrityError:
            pass
        with self.session_factory.begin() as session:
            seen = session.scalar(select(WebhookReplay.dedup_key).where(WebhookReplay.key == key,
                                                                        WebhookReplay.expires_at > now))
            if seen is not None:
                return seen == dedup_key
            # Expired but not yet pruned: the key is free again, as it would be in Redis. The
            # conditional update lets one of several such requests take it.
            taken = session.execute(
                update(WebhookReplay)
                .where(WebhookReplay.key == key, WebhookReplay.expires_at <= now)
                .values(dedup_key=dedup_key, expires_at=expires_at)
            )
            return taken.rowcount == 1

    def prune(self, now: datetime) -> int:
        return prune_replays(self.session_factory, now)


class RedisReplayCache(ReplayCache):
    """Keys under `<prefix><key>`, each expiring by itself."""

    def __init__(self, redis_client, *, key_prefix: str = "govpost:webhook-replay:"):
        self.redis = redis_client
        self.key_prefix = key_prefix

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta) -> bool:
        name = self.key_prefix + key
        if self.redis.set(name, dedup_key, nx=True, ex=max(1, int(retention.total_seconds()))):
            return True
        seen = self.redis.get(name)
        # None: it expired between the two calls, so the key is free; only this request holds it
        # if it wins the SET again.
        if seen is None:
            return bool(self.redis.set(name, dedup_key, nx=True, ex=max(1, int(retention.total_seconds()))))
        return seen.decode("utf-8") == dedup_key


class RedisWithDatabaseFallbackReplayCache(ReplayCache):
    """Redis while it answers; the database table when it does not (publisher.redis_link), so
    a lost Redis never turns the webhook's answers into errors. Keys admitted in Redis before
    it went away are not in the table: for one timestamp window after the loss, a replay of
    a query seen just before it is checked only by the message deduplication."""

    def __init__(self, link, session_factory: sessionmaker[Session]):
        self.link = link
        self.redis_cache = RedisReplayCache(link.client)
        self.database_cache = DatabaseReplayCache(session_factory)

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta) -> bool:
        if self.link.usable:
            try:
                admitted = self.redis_cache.admit(key, dedup_key, now, retention)
            except RedisError as exc:
                self.link.lost(exc)
            else:
                self.link.answered()
                return admitted
        return self.database_cache.admit(key, dedup_key, now, retention)


def prune_replays(session_factory: sessionmaker[Session], now: datetime) -> int:
    """Delete the expired rows of the database cache (the scheduler's tick does, every few
    seconds, on the expiry index; with Redis the table stays empty and this costs nothing)."""
    with session_factory.begin() as session:
        return session.execute(delete(WebhookReplay).where(WebhookReplay.expires_at <= now)).rowcount


def replay_cache_for(settings, session_factory: sessionmaker[Session]) -> ReplayCache:
    """Redis when `settings.redis_url` is set, else the database (as for access tokens)."""
    if settings.redis_url:
        from publisher.redis_link import redis_link

        return RedisWithDatabaseFallbackReplayCache(redis_link(settings.redis_url), session_factory)
    return DatabaseReplayCache(session_factory)
