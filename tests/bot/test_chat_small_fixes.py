"""The smaller chat fixes of issue 11, item 7, each with its behaviour: 查看 shows an approval
once and says when older history is left out, 统计 breaks ties in the configured topic order
and follows the report's year rule (as `ledger add` does), a blocked 完成 does not say 送审."""
from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.commands.posts import HISTORY_LINES
from publisher.core.years import FIRST_YEAR
from publisher.db import transaction
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.ledger import LedgerError, add_entry, require_disclosure_year
from publisher.texts import chat as texts
from publisher.texts import ledger as ledger_texts
from tests.bot.chat import bind, opened_post_id, say
from tests.conftest import BEIJING

EDITOR, REVIEWER = "oEditor00000000000000000701", "oReviewer000000000000000701"


def _approved(runtime) -> int:
    bind(runtime, EDITOR, "张三", "editor")
    bind(runtime, REVIEWER, "李书记", "reviewer")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 #乡村振兴 合作社分红大会召开"))
    say(runtime, EDITOR, "今天上午，村合作社召开分红大会。")
    say(runtime, EDITOR, "完成")
    say(runtime, EDITOR, f"提交 {post_id}")
    say(runtime, REVIEWER, f"通过 {post_id}")
    return post_id


def test_view_shows_one_approval_once(runtime):
    post_id = _approved(runtime)

    history = say(runtime, EDITOR, f"查看 {post_id}").split(texts.VIEW_HISTORY)[1]

    approvals = [line for line in history.splitlines() if texts.HISTORY_ACTIONS["review.approve"] in line]
    assert approvals == [texts.VIEW_HISTORY_LINE.format(
        when="2024-03-01 10:00", who="李书记", what=texts.HISTORY_ACTIONS["review.approve"],
        detail=texts.VIEW_HISTORY_LEVEL.format(level=1, levels=1))]


def test_view_says_how_many_older_history_lines_it_leaves_out(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    for number in range(HISTORY_LINES + 2):
        say(runtime, EDITOR, f"第{number}段")
    # Thirteen entries (the open and twelve paragraphs), of which 查看 shows the last ten.
    lines = say(runtime, EDITOR, f"查看 {post_id}").split(texts.VIEW_HISTORY + "\n")[1].splitlines()

    assert lines[0] == texts.VIEW_HISTORY_EARLIER.format(count=3)
    assert len(lines) == 1 + HISTORY_LINES


def test_statistics_break_equal_counts_in_the_order_of_the_topics_file(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, "default")
        # By name 乡村振兴 sorts first; config/topics.toml lists 党组织建设 before it.
        for topic in ("乡村振兴", "党组织建设"):
            add_entry(session, account_id=account.id, channel="广播", topic=topic, title=f"{topic}通知",
                      published_at=datetime(2024, 2, 1, 9, 0, tzinfo=BEIJING), source="manual", actor=CLI,
                      clock=runtime.clock, timezone=runtime.settings.timezone)

    lines = say(runtime, EDITOR, "统计").splitlines()

    topics = lines[lines.index(ledger_texts.STATS_TOPICS) + 1:][:2]
    assert topics == [ledger_texts.STATS_TOPIC.format(topic="党组织建设", count=1),
                      ledger_texts.STATS_TOPIC.format(topic="乡村振兴", count=1)]


def test_statistics_refuse_a_year_the_report_refuses(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    for year in (1999, 2025):  # the clock's year is 2024
        assert say(runtime, EDITOR, f"统计 {year}") == ledger_texts.YEAR_OUT_OF_RANGE.format(
            year=year, first=FIRST_YEAR, last=2024)


def test_ledger_add_refuses_a_day_in_a_year_the_report_refuses(database_url, runtime):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["ledger", "add", "--day", "2099-03-01", "--channel", "广播", "--topic", "平安建设",
                                      "--title", "防火"], env=env)
    this_year = datetime.now(BEIJING).year
    assert result.exit_code == 1
    assert ledger_texts.YEAR_OUT_OF_RANGE.format(year=2099, first=FIRST_YEAR, last=this_year) in result.output


def test_a_blocked_finish_tells_how_to_fix_not_to_submit(runtime):
    bind(runtime, EDITOR, "张三", "editor")
    post_id = opened_post_id(say(runtime, EDITOR, "投稿 冬季防火安全提示"))
    say(runtime, EDITOR, "联系电话 13812345678。")

    done = say(runtime, EDITOR, "完成").splitlines()

    assert done[-1] == texts.DRAFT_NEXT_STEPS_BLOCKED.format(post_id=post_id)
    assert f"「提交 {post_id}」" not in done[-1]


def test_a_ledger_day_typed_by_hand_in_a_year_the_report_refuses_is_refused(runtime):
    # The check the CLI's and the console's 台账 add run before adding.
    with pytest.raises(LedgerError) as refused:
        require_disclosure_year(datetime(2099, 3, 1).date(), clock=runtime.clock, timezone=runtime.settings.timezone)
    assert str(refused.value) == ledger_texts.YEAR_OUT_OF_RANGE.format(year=2099, first=FIRST_YEAR, last=2024)
