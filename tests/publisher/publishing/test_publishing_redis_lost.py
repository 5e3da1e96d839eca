"""Redis (the test's own) killed between two slots: the second slot publishes all the same,
with the token already held (no new fetch), and the log says Redis is gone once."""
from __future__ import annotations

import logging
from datetime import datetime

from publisher.db import transaction
from publisher.runtime import Runtime
from publisher.services.accounts import sync_accounts
from tests.conftest import BEIJING
from tests.publishing_support import publishing_settings, queue_post, run_until_settled
from tests.redis_support import own_redis  # noqa: F401  (fixture)


def test_publishing_goes_on_when_redis_is_killed_mid_run(own_redis, database_url, db_engine, session_factory,
                                                          clock, sandbox_server, caplog):
    settings = publishing_settings(database_url, sandbox_server.url).with_overrides(redis_url=own_redis.url)
    runtime = Runtime(settings, db_engine, session_factory, clock)
    with transaction(session_factory) as session:
        sync_accounts(session, settings, clock)

    queue_post(runtime, "午间一篇")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    own_redis.kill()
    with caplog.at_level(logging.WARNING, logger="publisher.redis_link"):
        queue_post(runtime, "傍晚一篇")
        clock.set(datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))
        run_until_settled(runtime, clock)

    assert sandbox_server.published_titles() == ["午间一篇", "傍晚一篇"]
    appid = settings.default_account.appid
    assert sum(sandbox_server.state()["tokens_issued"][appid].values()) == 1
    assert len([r for r in caplog.records if "Redis unreachable" in r.getMessage()]) == 1
