"""The replay cache: a webhook query (timestamp, nonce, signature) is good for one message.

WeChat's signature covers the token, timestamp and nonce but not the body (plain mode), so a
query string copied from any log would otherwise carry any body within the timestamp window.
Each accepted request's query is kept, with the message's dedup key, until it could no longer
pass the timestamp check; the same query again is admitted only for the same message (WeChat's
retry, which then gets the stored answer), and refused for any other.

Kept in the database, or in Redis when configured, so that every process of a deployment
shares it. The hot path is one insert on the primary key (Redis: one SET NX with a TTL), made
in the webhook message's own transaction when the caller hands over its connection, so that
a message costs one commit; expired rows are deleted by the scheduler's tick, on the expiry
index, never by the webhook.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from publisher.db import insert_ignoring_duplicates

if TYPE_CHECKING:  # the webhook's write transaction (publisher.driver_write), which runs statements as a Connection does
    from publisher.driver_write import WriteTransaction
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


_REPLAYS = WebhookReplay.__table__
# Every accepted message runs them: built once (per dialect), run as plain SQL, not through the ORM.
_ADMIT: dict[str, object] = {}
_SEEN = select(_REPLAYS.c.dedup_key).where(_REPLAYS.c.key == bindparam("query_key"),
                                          _REPLAYS.c.expires_at > bindparam("now"))
# Expired but not yet pruned: the key is free again, as it would be in Redis. The conditional
# update lets one of several such requests take it.
_RETAKE = (update(_REPLAYS).where(_REPLAYS.c.key == bindparam("query_key"), _REPLAYS.c.expires_at <= bindparam("now"))
           .values(dedup_key=bindparam("new_dedup_key"), expires_at=bindparam("new_expires_at")))


class ReplayedQuery(Exception):
    """The webhook query was already used for another message."""


class ReplayCache:
    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta,
              connection: Connection | WriteTransaction | None = None) -> bool:
        """Whether the request with this query key may carry the message `dedup_key`: a key
        not seen yet (it is recorded), or seen with the same message. With `connection`, a
        database record is written in that connection's transaction (and kept only if it
        commits); without, in a transaction of its own."""
        raise NotImplementedError

    def require(self, key: str, dedup_key: str, now: datetime, retention: timedelta,
                connection: Connection | WriteTransaction | None = None) -> None:
        """`admit`, raising ReplayedQuery when it refuses."""
        if not self.admit(key, dedup_key, now, retention, connection):
            raise ReplayedQuery(key)

    def prune(self, now: datetime) -> int:
        """Forget the expired keys; returns how many."""
        return 0


class DatabaseReplayCache(ReplayCache):
    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta,
              connection: Connection | WriteTransaction | None = None) -> bool:
        if connection is None:
            with self.session_factory.begin() as session:
                return self.admit(key, dedup_key, now, retention, session.connection())
        expires_at = now + retention
        row = {"key": key, "dedup_key": dedup_key, "expires_at": expires_at, "query_key": key, "now": now,
               "new_dedup_key": dedup_key, "new_expires_at": expires_at}
        if connection.execute(_admit_statement(connection), row).rowcount == 1:
            return True
        seen = connection.execute(_SEEN, row).scalar()
        if seen is not None:
            return seen == dedup_key
        return connection.execute(_RETAKE, row).rowcount == 1

    def prune(self, now: datetime) -> int:
        return prune_replays(self.session_factory, now)


class RedisReplayCache(ReplayCache):
    """Keys under `<prefix><key>`, each expiring by itself."""

    def __init__(self, redis_client, *, key_prefix: str = "govpost:webhook-replay:"):
        self.redis = redis_client
        self.key_prefix = key_prefix

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta,
              connection: Connection | WriteTransaction | None = None) -> bool:
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

    def admit(self, key: str, dedup_key: str, now: datetime, retention: timedelta,
              connection: Connection | WriteTransaction | None = None) -> bool:
        from redis.exceptions import RedisError  # here: without Redis configured, no process loads redis

        if self.link.usable:
            try:
                admitted = self.redis_cache.admit(key, dedup_key, now, retention)
            except RedisError as exc:
                self.link.lost(exc)
            else:
                self.link.answered()
                return admitted
        return self.database_cache.admit(key, dedup_key, now, retention, connection)


def _admit_statement(connection: Connection):
    """INSERT … ON CONFLICT DO NOTHING: a key already there is no error that would end the
    caller's transaction (PostgreSQL aborts a transaction on a failed INSERT)."""
    name = connection.dialect.name
    if name not in _ADMIT:
        _ADMIT[name] = insert_ignoring_duplicates(connection, _REPLAYS)
    return _ADMIT[name]


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
