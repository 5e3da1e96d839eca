"""The county roll-up: every account's report counts side by side, and the county totals."""
from .build import CountyRollup, TownshipRow, build_county_rollup

__all__ = ["CountyRollup", "TownshipRow", "build_county_rollup"]
