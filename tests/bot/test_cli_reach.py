"""`govpost reach pull`: the backfill from the command line, against the sandbox over HTTP."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from bot.cli import cli
from publisher.services.reach import latest_day
from publisher.texts import reach as texts


def run(args, env):
    return CliRunner().invoke(cli, args, env=env)


def test_reach_pull_asks_each_day_once_within_the_spans_and_says_what_it_did(database_url, runtime, sandbox_server):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": "", "GOVPOST_WECHAT_API_BASE": sandbox_server.url}
    until = latest_day(datetime.now(ZoneInfo("Asia/Shanghai")), ZoneInfo("Asia/Shanghai"))
    since = until - timedelta(days=9)

    result = run(["reach", "pull", "--since", since.isoformat(), "--pause", "0"], env)

    assert result.exit_code == 0, result.output
    queries = sandbox_server.state()["datacube_queries"]
    # 10 days: 10 + 10 one-day calls, 4 of getuserread (3+3+3+1), 2 of getusershare (7+3).
    assert len(queries) == 26
    assert texts.CLI_DONE.format(account="default", calls=26, stored=0, unmatched=0) in result.output


def test_reach_pull_with_a_bad_date_says_so_in_chinese_and_calls_nothing(database_url, sandbox_server):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": "", "GOVPOST_WECHAT_API_BASE": sandbox_server.url}

    result = run(["reach", "pull", "--since", "2024/03/01"], env)

    assert result.exit_code == 1
    assert texts.CLI_BAD_SINCE.format(value="2024/03/01") in result.output
    assert sandbox_server.state()["datacube_queries"] == []
