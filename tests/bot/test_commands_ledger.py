"""统计 and 登记 called with a CommandContext built here (the webhook tests cover the wiring)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.commands.ledger import register_offline, statistics
from bot.commands.registry import CommandContext
from bot.commands.table import COMMANDS
from publisher.services.accounts import AccountContext
from publisher.errors import Refusal
from publisher.services.audit import Actor
from publisher.models import LedgerEntry

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def chat(runtime, account):
    """chat(handler, args, at=北京时间) → reply, in one committed unit of work like the dispatcher."""

    def say(handler, args: str, at: datetime = datetime(2024, 3, 1, 10, 0, tzinfo=BEIJING)) -> str:
        with runtime.session_factory() as session, session.begin():
            ctx = CommandContext(session=session, runtime=runtime, account=AccountContext.of(account, runtime.settings),
                                 staff=None, actor=Actor("staff:7"), now=at, openid="oStaff7")
            try:
                with session.begin_nested():
                    return handler(ctx, args)
            except Refusal as refusal:  # answered and rolled back, as the dispatcher does
                return str(refusal)

    return say


def test_register_adds_a_bulletin_board_row_by_default_and_statistics_counts_it(chat, runtime):
    reply = chat(register_offline, "#乡村振兴 三月村务公开")
    assert "三务公开栏" in reply and "#乡村振兴" in reply and "三月村务公开" in reply
    chat(register_offline, "#平安建设 森林防火宣传 @大喇叭")
    stats = chat(statistics, "")
    assert stats.splitlines()[0] == "2024年主动公开 2 条"
    assert "　三务公开栏：1 条" in stats and "　广播：1 条" in stats and "　#乡村振兴：1 条" in stats
    with runtime.session_factory() as session:
        assert {e.created_by for e in session.scalars(select(LedgerEntry))} == {"staff:7"}


def test_statistics_of_a_named_year_uses_beijing_days(chat):
    chat(register_offline, "#民生改善 跨年慰问 @广播", at=datetime(2023, 12, 31, 23, 30, tzinfo=BEIJING))
    assert chat(statistics, "2023").startswith("2023年主动公开 1 条")
    assert chat(statistics, "2024年").startswith("2024年主动公开 0 条")


def test_wrong_words_get_a_clear_answer_and_write_nothing(chat, runtime):
    assert chat(register_offline, "三月村务公开").startswith("用法：登记 #话题")
    assert "话题「旅游」无效" in chat(register_offline, "#旅游 景区开放")
    assert "渠道「电视」无效" in chat(register_offline, "#乡村振兴 新闻 @电视")
    assert "年份「去年」无效" in chat(statistics, "去年")
    with runtime.session_factory() as session:
        assert session.scalars(select(LedgerEntry)).all() == []


def test_commands_are_registered_with_their_roles_and_help_lines():
    assert COMMANDS["统计"].role == "staff" and COMMANDS["登记"].role == "editor"
    assert COMMANDS["登记"].help_line.startswith("登记 #话题 <标题> [@渠道]：")
