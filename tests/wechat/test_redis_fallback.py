"""Redis lost mid-run: tokens come from the database copy, one log line says so, and no
process fetches a token it does not need (no fetch storm)."""
from __future__ import annotations

import logging

import pytest
import redis
from sqlalchemy import select

from publisher.core.clock import FixedClock
from publisher.models import WeChatToken
from publisher.redis_link import RETRY_AFTER, RedisLink
from publisher.wechat.tokens import RedisWithDatabaseFallback
from tests.redis_support import own_redis  # noqa: F401  (fixture)
from tests.support import APPID, T0, CountingFetch, ask_at_once

LOST = "Redis unreachable"


def fetches(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(WeChatToken.fetch_count).where(WeChatToken.appid == APPID)) or 0


def process_store(url, session_factory, clock):
    """What one process has: its own link to Redis, the shared database."""
    return RedisWithDatabaseFallback(RedisLink(redis.Redis.from_url(url, socket_connect_timeout=1), clock),
                                     session_factory, clock=clock)


@pytest.mark.db
def test_redis_killed_mid_run_tokens_come_from_the_database_without_a_new_fetch(own_redis, session_factory,
                                                                                  caplog):
    clock = FixedClock(T0)
    first, second = (process_store(own_redis.url, session_factory, clock) for _ in range(2))
    fetch = CountingFetch()
    assert first.get(APPID, fetch) == "token-1"
    assert second.get(APPID, fetch) == "token-1"  # from Redis
    assert len(fetch.calls) == 1 and fetches(session_factory) == 1

    own_redis.kill()
    with caplog.at_level(logging.WARNING, logger="publisher.redis_link"):
        # A process started after Redis died finds the token in the database copy.
        third = process_store(own_redis.url, session_factory, clock)
        assert third.get(APPID, fetch) == "token-1"
        assert len(fetch.calls) == 1
        # WeChat refuses token-1: one process fetches token-2, the other finds it, no storm.
        assert second.replace_rejected(APPID, "token-1", fetch) == "token-2"
        assert first.replace_rejected(APPID, "token-1", fetch) == "token-2"
        for _ in range(5):
            for store in (first, second, third):
                assert store.replace_rejected(APPID, "token-1", fetch) == "token-2"
        clock.advance(seconds=int(RETRY_AFTER.total_seconds()) + 1)  # Redis tried again, still down
        assert third.replace_rejected(APPID, "token-1", fetch) == "token-2"
    assert len(fetch.calls) == 2 and fetches(session_factory) == 2
    lost = [r for r in caplog.records if LOST in r.getMessage()]
    assert len(lost) == 3  # once per process, not once per call


@pytest.mark.db
def test_with_redis_gone_an_expiring_token_is_fetched_once_across_processes(own_redis, session_factory):
    clock = FixedClock(T0)
    stores = [process_store(own_redis.url, session_factory, clock) for _ in range(2)]
    fetch = CountingFetch(delay=0.2)
    assert stores[0].get(APPID, fetch) == "token-1"
    own_redis.kill()
    clock.advance(seconds=7200)
    results = ask_at_once(stores[0], fetch, callers=4) + ask_at_once(stores[1], fetch, callers=4)
    assert results == ["token-2"] * 8
    assert len(fetch.calls) == 2 and fetches(session_factory) == 2


@pytest.mark.db
def test_redis_killed_mid_run_the_webhook_replay_cache_goes_on_in_the_database(own_redis, session_factory):
    from datetime import timedelta

    from publisher.wechat.replay import RedisWithDatabaseFallbackReplayCache

    link = RedisLink(redis.Redis.from_url(own_redis.url, socket_connect_timeout=1), FixedClock(T0))
    cache = RedisWithDatabaseFallbackReplayCache(link, session_factory)
    window = timedelta(minutes=10)
    assert cache.admit("q1", "m1", T0, window) and not cache.admit("q1", "m2", T0, window)
    own_redis.kill()
    assert cache.admit("q2", "m3", T0, window) is True
    assert cache.admit("q2", "m3", T0, window) is True  # WeChat's retry of the same message
    assert cache.admit("q2", "m4", T0, window) is False  # the same query with another body
