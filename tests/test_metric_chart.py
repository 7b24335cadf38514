"""The metric chart stays inside its box: every point and every label within the SVG's viewBox,
whatever the values, dates and number of points (#20: the last point and date were cut)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from articles.charts import CHAR_WIDTH, FONT_SIZE, Datum, line_chart
from tests.factories import FigureFactory, MetricFactory, published_article

DATASETS = {
    "two points": [(dt.date(2021, 3, 1), "12"), (dt.date(2021, 3, 30), "15")],
    "one point": [(dt.date(2024, 1, 1), "7")],
    "big numbers": [(dt.date(2019, 12, 31), "1250000"), (dt.date(2023, 11, 28), "98765432.5")],
    "below zero": [(dt.date(2022, 1, 1), "-40"), (dt.date(2022, 6, 1), "25")],
    "many points": [
        (dt.date(2020, 1, 1) + dt.timedelta(days=9 * n), str(n * n)) for n in range(40)
    ],
}


def _box(x: float, anchor: str, text: str) -> tuple[float, float]:
    width = len(text) * CHAR_WIDTH
    return {"start": (x, x + width), "end": (x - width, x)}.get(
        anchor, (x - width / 2, x + width / 2)
    )


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("width", [640, 320])
def test_every_point_and_label_is_inside_the_box(name, width):
    data = [
        Datum(day, Decimal(value), f"{value} on {day}", "/story/", conflict=True)
        for day, value in DATASETS[name]
    ]
    chart = line_chart(data, width=width)

    for point in chart.points:
        radius = 7  # a conflicting point, the largest drawn
        assert radius <= point.x <= chart.width - radius, (name, point)
        assert radius <= point.y <= chart.height - radius, (name, point)
    for tick in chart.y_ticks:
        low, high = _box(chart.left - 6, "end", tick.label)
        assert low >= 0 and high <= chart.width, (name, tick)
        assert FONT_SIZE / 2 <= tick.position <= chart.height - FONT_SIZE / 2, (name, tick)
    for tick in chart.x_ticks:
        low, high = _box(tick.position, tick.anchor, tick.label)
        assert low >= 0 and high <= chart.width, (name, tick)
    assert chart.bottom + 20 <= chart.height  # the dates' baseline


@pytest.mark.django_db
def test_the_drawn_svg_keeps_its_last_point_and_date_inside_the_viewbox(client: Client):
    metric = MetricFactory(name="Grey seals in the estuary", slug="seals")
    for day, value in [(dt.date(2021, 3, 1), 412), (dt.date(2021, 11, 30), 1_250_000)]:
        story = published_article(at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
        FigureFactory(article=story, metric=metric, value=Decimal(value), text=f"{value} seals")

    html = client.get(metric.get_absolute_url()).content.decode()
    drawings = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(drawings) == 2  # the wide one and the narrow one for phones

    for svg in drawings:
        width, height = map(float, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
        circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="(\d+)"', svg)
        assert len(circles) == 2
        for cx, cy, r in circles:
            assert float(r) <= float(cx) <= width - float(r)
            assert float(r) <= float(cy) <= height - float(r)
        texts = re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*>([^<]+)</text>', svg
        )
        assert {label for *_, label in texts} >= {"30 Nov 2021", "1 Mar 2021", "1,250,000"}
        for x, y, anchor, label in texts:
            low, high = _box(float(x), anchor, label)
            assert low >= 0 and high <= width, label
            assert FONT_SIZE / 2 <= float(y) <= height, label
