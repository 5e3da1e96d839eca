"""Fixtures of the WeChat adapter tests: a token table, Redis, and the sandbox over HTTP."""
from __future__ import annotations

import os
import threading
import uuid

import pytest

from publisher.db import make_engine, make_session_factory
from publisher.models import WeChatToken


@pytest.fixture
def db_url(tmp_path):
    return os.environ.get("GOVPOST_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'wechat.db'}"


@pytest.fixture
def session_factory(db_url):
    """The `wechat_tokens` table, fresh: a temporary SQLite file, or $GOVPOST_TEST_DATABASE_URL."""
    engine = make_engine(db_url)
    table = WeChatToken.__table__
    table.drop(engine, checkfirst=True)
    table.create(engine)
    yield make_session_factory(engine)
    table.drop(engine, checkfirst=True)
    engine.dispose()


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("the redis tests need the Redis server on 127.0.0.1:6379")
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
    from werkzeug.serving import make_server

    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)
