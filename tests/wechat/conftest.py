"""Fixtures of the WeChat adapter tests: Redis, and WSGI apps over HTTP."""
from __future__ import annotations

import os
import uuid

import pytest

from tests.support import LiveServer


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("the redis tests need the Redis server on 127.0.0.1:6379")
        pytest.skip("no Redis server on 127.0.0.1:6379")
    yield client
    client.close()


@pytest.fixture
def redis_prefix(redis_client):
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"govpost-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def serve():
    """serve(app) -> base URL: a WSGI app on a free local port, stopped after the test."""
    servers = []

    def start(app) -> str:
        servers.append(LiveServer(app))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()
