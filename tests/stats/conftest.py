"""Ledger fixtures of the report tests: rows written through `publisher.services.ledger.add_entry`."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from publisher.services.audit import CLI
from publisher.db import transaction
from publisher.services.ledger import add_entry

BEIJING = ZoneInfo("Asia/Shanghai")

# The example report's year (优干宁镇 2023): 92 WeChat articles over its eight topics, in the
# order the report names them, and 30 items on the 三务公开栏.
EXAMPLE_WECHAT = {"党组织建设": 18, "主题教育": 15, "生态环保": 13, "乡村振兴": 12,
                  "平安建设": 10, "民生改善": 9, "综治维稳": 8, "法治宣传": 7}
EXAMPLE_BOARD = {"乡村振兴": 12, "民生改善": 10, "党组织建设": 8}


@pytest.fixture
def write_ledger(runtime, account):
    """write_ledger(channel, {topic: n}, year): n rows per topic spread over the year."""

    def write(channel: str, topics: dict[str, int], year: int = 2023, source: str = "manual") -> None:
        with transaction(runtime.session_factory) as session:
            serial = 0
            for topic, count in topics.items():
                for _ in range(count):
                    day = date(year, 1, 1) + timedelta(days=(serial * 37) % 365)
                    serial += 1
                    add_entry(
                        session, account_id=account.id, channel=channel, topic=topic,
                        title=f"{topic}工作动态{serial}", source=source, actor=CLI, clock=runtime.clock,
                        published_at=datetime(day.year, day.month, day.day, 10, 0, tzinfo=BEIJING),
                        timezone=runtime.settings.timezone,
                    )

    return write


@pytest.fixture
def example_year(write_ledger):
    write_ledger("微信公众号", EXAMPLE_WECHAT)
    write_ledger("三务公开栏", EXAMPLE_BOARD)
