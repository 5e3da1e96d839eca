"""Bar charts as plain geometry for the templates to draw as inline SVG: no script, nothing
fetched, readable with JavaScript off (each bar carries its figure as text and a <title>)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    kind: str  # "columns" (months) or "rows" (topics, channels)
    bars: list[Bar]
    width: int
    height: int


ROW_HEIGHT, ROW_GAP, LABEL_WIDTH, ROWS_WIDTH = 22, 8, 110, 520
COLUMN_AREA_HEIGHT, COLUMNS_WIDTH = 150, 560


def rows(values: dict[str, int]) -> Chart:
    """One horizontal bar per item, longest first as given; labels to the left."""
    top = max(values.values(), default=0) or 1
    room = ROWS_WIDTH - LABEL_WIDTH - 40
    bars = [
        Bar(label, value, LABEL_WIDTH, i * (ROW_HEIGHT + ROW_GAP), room * value / top, ROW_HEIGHT)
        for i, (label, value) in enumerate(values.items())
    ]
    return Chart("rows", bars, ROWS_WIDTH, max(1, len(bars)) * (ROW_HEIGHT + ROW_GAP))


def columns(values: dict[str, int]) -> Chart:
    """One column per item (the twelve months), figures above, labels below."""
    top = max(values.values(), default=0) or 1
    step = COLUMNS_WIDTH / max(1, len(values))
    bars = []
    for i, (label, value) in enumerate(values.items()):
        height = (COLUMN_AREA_HEIGHT - 20) * value / top
        bars.append(Bar(label, value, i * step + step * 0.15, COLUMN_AREA_HEIGHT - height, step * 0.7, height))
    return Chart("columns", bars, COLUMNS_WIDTH, COLUMN_AREA_HEIGHT + 24)
