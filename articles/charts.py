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
    # SVG text-anchor: the first and last dates are anchored at their outer end, so a label
    # under the last point ends at the edge of the chart instead of running past it (#20).
    anchor: str = "middle"


# The labels' size in the chart's own units, and a generous estimate of a character's width
# at that size (digits and capitals are about 0.6 em in the site's sans-serif): the margins are
# made wide enough for the longest label, so nothing is cut at the edge of the box.
FONT_SIZE = 12
CHAR_WIDTH = 0.62 * FONT_SIZE
# The largest point (a conflicting figure) and the room kept around the drawing.
POINT_RADIUS = 7
EDGE = 4


def label_width(label: str) -> float:
    return len(label) * CHAR_WIDTH


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
    """Place `data` (sorted by day) on a chart whose value axis starts at zero.

    Every point and every label lies inside the `width` × `height` box (the SVG's viewBox):
    the left margin fits the longest value label, and the last point keeps its radius clear
    of the right edge.
    """
    top, bottom = EDGE + POINT_RADIUS + FONT_SIZE // 2, height - 40
    right = width - EDGE - POINT_RADIUS
    if not data:
        return Chart(width, height, 64, right, top, bottom, [], "", [], [])
    first, last = data[0].day, data[-1].day
    span = max((last - first).days, 1)
    low = min(Decimal(0), *(d.value for d in data))
    high = max(d.value for d in data)
    if high == low:
        high = low + 1
    y_values = (low, low + (high - low) / 2, high)
    y_labels = [number_format(value.normalize(), force_grouping=True) for value in y_values]
    # Room for the longest value label and the 6-unit gap before the axis.
    left = max(64, round(EDGE + max(label_width(label) for label in y_labels) + 6 + 1))

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
    y_ticks = [Tick(y_of(value), label) for value, label in zip(y_values, y_labels, strict=True)]
    if first == last:
        x_ticks = [Tick(x_of(first), date_filter(first, "j M Y"))]
    else:
        x_ticks = [
            Tick(x_of(first), date_filter(first, "j M Y"), "start"),
            Tick(x_of(last), date_filter(last, "j M Y"), "end"),
        ]
    return Chart(width, height, left, right, top, bottom, points, line, y_ticks, x_ticks)
