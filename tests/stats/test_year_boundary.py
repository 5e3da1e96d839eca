"""北京时间 decides the report year, not UTC."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from publisher.db import transaction
from publisher.services.audit import CLI
from publisher.services.ledger import add_entry
from stats.queries import year_counts

BEIJING = ZoneInfo("Asia/Shanghai")


def test_items_either_side_of_beijing_midnight_fall_in_their_beijing_years(runtime, account):
    with transaction(runtime.session_factory) as session:
        for hour, day, year in ((23, 31, 2023), (0, 1, 2024)):
            month = 12 if year == 2023 else 1
            add_entry(session, account_id=account.id, channel="微信公众号", topic="乡村振兴",
                      title=f"{year}跨年", source="manual", actor=CLI, clock=runtime.clock,
                      published_at=datetime(year, month, day, hour, 30, tzinfo=BEIJING),
                      timezone=runtime.settings.timezone)
    with runtime.session_factory() as session:
        counts = {y: year_counts(session, account.id, y, ["微信公众号"]) for y in (2023, 2024)}
    # 2023-12-31 23:30 北京时间 is 15:30 UTC; 2024-01-01 00:30 北京时间 is still 2023-12-31 in UTC.
    assert counts[2023].total == 1 and counts[2023].by_month["2023-12"] == 1
    assert counts[2024].total == 1 and counts[2024].by_month["2024-01"] == 1
