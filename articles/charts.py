"""A metric's figures over time as coordinates for an inline SVG chart (no JavaScript).

The template draws what `line_chart()` computes: the points, the line through them and the
axis labels. Keeping the arithmetic here means it is tested without parsing SVG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import date as date_filter
from django.utils.formats import number_format


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    value: Decimal
    label: str
    url: str
    conflict: bool


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[Point]
    line: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]


@dataclass(frozen=True)
class Datum:
    day: dt.date
    value: Decimal
    label: str
    url: str
    conflict: bool = False


def line_chart(data: list[Datum], *, width: int = 640, height: int = 260) -> Chart:
    """Place `data` (sorted by day) on a chart whose value axis starts at zero."""
    left, right, top, bottom = 64, width - 16, 16, height - 40
    if not data:
        return Chart(width, height, left, right, top, bottom, [], "", [], [])
    first, last = data[0].day, data[-1].day
    span = max((last - first).days, 1)
    low = min(Decimal(0), *(d.value for d in data))
    high = max(d.value for d in data)
    if high == low:
        high = low + 1

    def x_of(day: dt.date) -> float:
        if first == last:
            return (left + right) / 2
        return round(left + (right - left) * (day - first).days / span, 1)

    def y_of(value: Decimal) -> float:
        return round(float(bottom - (bottom - top) * (value - low) / (high - low)), 1)

    points = [
        Point(x_of(d.day), y_of(d.value), d.day, d.value, d.label, d.url, d.conflict) for d in data
    ]
    line = " ".join(f"{p.x},{p.y}" for p in points)
    y_ticks = [
        Tick(y_of(value), number_format(value.normalize(), force_grouping=True))
        for value in (low, low + (high - low) / 2, high)
    ]
    days = sorted({first, last})
    x_ticks = [Tick(x_of(day), date_filter(day, "j M Y")) for day in days]
    return Chart(width, height, left, right, top, bottom, points, line, y_ticks, x_ticks)
