"""Which years the ledger, 统计 and the annual report accept: one rule for all three, so a year
is never counted as empty in one place and refused in another."""
from __future__ import annotations

from publisher.texts import ledger as texts

# The 政府信息公开条例 took effect on 1 May 2008: nothing was disclosed under it before.
FIRST_YEAR = 2008


def year_refusal(year: int, this_year: int) -> str | None:
    """Why `year` is not a disclosure year (in Chinese), or None when it is: from 2008 up to
    this year (北京时间); a later year has nothing disclosed yet."""
    if FIRST_YEAR <= year <= this_year:
        return None
    return texts.YEAR_OUT_OF_RANGE.format(year=year, first=FIRST_YEAR, last=this_year)
