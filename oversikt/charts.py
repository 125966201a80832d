"""Accessible server-rendered SVG bar charts. A chart only draws what the table next to
it shows: suppressed values («<5») get no bar, so its length cannot reveal the count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LABEL_WIDTH = 260
BAR_SPACE = 330
ROW_HEIGHT = 28


@dataclass
class Bar:
    label: str
    value: str
    y: int
    text_y: int
    width: int
    value_x: int


def bar_chart(rows: list[Any]) -> dict[str, Any]:
    numbers = [r.value for r in rows if isinstance(r.value, int | float)]
    top = max(numbers, default=0) or 1
    bars = []
    for i, row in enumerate(rows):
        width = int(BAR_SPACE * row.value / top) if isinstance(row.value, int | float) else 0
        bars.append(
            Bar(
                label=str(row.label),
                value=str(row.value),
                y=i * ROW_HEIGHT + 4,
                text_y=i * ROW_HEIGHT + 19,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "width": LABEL_WIDTH + BAR_SPACE + 50,
        "bar_x": LABEL_WIDTH,
    }
