"""Moving the sandbox clock to a given hour 北京时间: datacube figures depend on the hour."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from publisher.sandbox.clock import beijing


def next_morning(sandbox, hour: int = 9, minute: int = 0, days: int = 1) -> date:
    """Move the sandbox clock to hour:minute 北京时间, `days` days on; returns that day."""
    now = beijing(sandbox.snapshot()["clock"]["now"])
    target = datetime.combine(now.date() + timedelta(days=days), datetime.min.time(), now.tzinfo).replace(
        hour=hour, minute=minute)
    sandbox.advance((target - now).total_seconds())
    return target.date()
