"""The replay cache: a webhook query is good for one message, in the database or in Redis,
shared by every process, and forgotten once the timestamp window has passed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from publisher.models import WebhookReplay
from publisher.wechat.replay import (
    RETENTION_WITHOUT_WINDOW,
    DatabaseReplayCache,
    RedisReplayCache,
    prune_replays,
    replay_key,
    replay_retention,
)

T0 = datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc)
KEY = replay_key("default", "1709258400", "nonce42", "a" * 40)


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def caches(request):
    """Two caches over one store, as two gunicorn workers have."""
    if request.param == "database":
        session_factory = request.getfixturevalue("session_factory")
        return DatabaseReplayCache(session_factory), DatabaseReplayCache(session_factory)
    import redis

    client, prefix = request.getfixturevalue("redis_client"), request.getfixturevalue("redis_prefix")
    return (RedisReplayCache(client, key_prefix=prefix),
            RedisReplayCache(redis.Redis(host="127.0.0.1", port=6379), key_prefix=prefix))


def test_a_query_is_good_for_one_message_across_processes(caches):
    first, second = caches
    retention = replay_retention(300)
    assert first.admit(KEY, "msg:1", T0, retention)
    assert not second.admit(KEY, "msg:2", T0 + timedelta(seconds=1), retention)
    assert not first.admit(KEY, "event:o1:1709258400:click", T0 + timedelta(seconds=2), retention)


def test_wechats_retry_of_the_same_message_with_the_same_query_is_admitted(caches):
    first, second = caches
    retention = replay_retention(300)
    assert first.admit(KEY, "msg:1", T0, retention)
    assert second.admit(KEY, "msg:1", T0 + timedelta(seconds=5), retention)
    assert first.admit(KEY, "msg:1", T0 + timedelta(seconds=10), retention)


def test_other_queries_and_other_accounts_do_not_collide(caches):
    first, _ = caches
    retention = replay_retention(300)
    assert first.admit(KEY, "msg:1", T0, retention)
    assert first.admit(replay_key("default", "1709258400", "nonce43", "a" * 40), "msg:2", T0, retention)
    assert first.admit(replay_key("town2", "1709258400", "nonce42", "a" * 40), "msg:3", T0, retention)


def test_the_query_is_kept_for_twice_the_window_or_a_day_when_the_window_is_off():
    assert replay_retention(300) == timedelta(seconds=600)
    assert replay_retention(0) == RETENTION_WITHOUT_WINDOW == timedelta(days=1)


@pytest.mark.parametrize("window", [300, 0], ids=["window-300", "window-off"])
def test_with_the_window_on_or_off_an_exact_replay_is_refused_until_the_retention_ends(session_factory, window):
    cache, retention = DatabaseReplayCache(session_factory), replay_retention(window)
    assert cache.admit(KEY, "msg:1", T0, retention)
    assert not cache.admit(KEY, "msg:2", T0 + retention - timedelta(seconds=1), retention)
    # After the retention the timestamp check alone refuses it (window on), or nothing does
    # (window off): the key is free again, expired row or not.
    assert cache.admit(KEY, "msg:2", T0 + retention, retention)
    assert not cache.admit(KEY, "msg:3", T0 + retention + timedelta(seconds=1), retention)


def test_prune_deletes_only_expired_rows(session_factory):
    cache, retention = DatabaseReplayCache(session_factory), replay_retention(300)
    cache.admit(KEY, "msg:1", T0, retention)
    cache.admit(replay_key("default", "1709258999", "n", "b" * 40), "msg:2", T0 + timedelta(minutes=5), retention)
    assert prune_replays(session_factory, T0 + retention) == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(WebhookReplay)) == 1
    assert not cache.admit(replay_key("default", "1709258999", "n", "b" * 40), "msg:3", T0 + retention, retention)


def test_the_scheduler_tick_prunes_the_replay_cache(runtime, clock):
    from publisher.background.scheduler import tick

    DatabaseReplayCache(runtime.session_factory).admit(KEY, "msg:1", clock.now(), replay_retention(300))
    clock.advance(minutes=11)
    tick(runtime, worker="test")
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(WebhookReplay)) == 0
