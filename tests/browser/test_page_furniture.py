"""The page furniture in a real browser, at phone and desktop widths: the story's month label,
the archive navigation and the metric chart drawn inside its box; with axe on each page.

Set NEWSROOM_SCREENSHOTS=1 to refresh the pictures in docs/screenshots/.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.archive import archive_months
from articles.models import Article, Metric
from newsroom.demo import pictures as demo_content
from tests.browser.conftest import WIDTHS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Every circle and text of the chart, in the SVG's own units, against its viewBox.
_CHART_GEOMETRY = """() => {
  // The drawing the stylesheet shows at this width (a wide one and a narrow one).
  const svg = [...document.querySelectorAll('.metric-chart svg')]
    .find((drawing) => drawing.getBoundingClientRect().width > 0);
  const box = svg.viewBox.baseVal;
  const outside = [];
  for (const shape of svg.querySelectorAll('circle, text')) {
    const b = shape.getBBox();
    if (b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width
        || b.y + b.height > box.y + box.height) {
      const where = `${b.x},${b.y},${b.width},${b.height}`;
      outside.push(`${shape.tagName} ${shape.textContent.trim()} ${where}`);
    }
  }
  const drawn = svg.getBoundingClientRect();
  const figure = svg.closest('figure').getBoundingClientRect();
  return {outside, fits: drawn.left >= figure.left - 0.5 && drawn.right <= figure.right + 0.5,
          count: svg.querySelectorAll('circle, text').length, units: box.width,
          scale: drawn.width / box.width};
}"""


@pytest.fixture
def demo(live_server, roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "a-demo-password-for-tests")
    # Half-size pictures: the same renditions and markup, a quarter of the encoding time.
    monkeypatch.setattr(
        demo_content, "draw_image", partial(demo_content.draw_image, size=(800, 450))
    )
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


def _folder(tmp_path: Path) -> Path:
    folder = SCREENSHOTS if os.environ.get("NEWSROOM_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(width: int) -> str:
    return "phone" if width < 600 else "desktop"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_story_carries_its_month_label_to_the_month_archive(
    demo, page_at, axe_violations, width, tmp_path
):
    story = Article.objects.published().get(slug="council-approves-harbour-wall-repairs")
    page = page_at(width, 900)
    page.goto(demo + story.get_absolute_url())

    label = page.locator(".story__month a")
    month = story.publication_month
    assert label.inner_text() == month.strftime("%B %Y").upper()  # capitals by the stylesheet
    assert label.get_attribute("href") == f"/{month:%Y}/{month:%m}/"
    assert axe_violations(page) == []
    page.screenshot(path=str(_folder(tmp_path) / f"story-month-label-{_suffix(width)}.png"))

    label.click()
    assert page.locator("h1").inner_text() == month.strftime("%B %Y")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_ends_with_the_archive_newest_month_first(
    demo, page_at, axe_violations, width, tmp_path
):
    page = page_at(width, 900)
    page.goto(demo + "/")

    nav = page.locator("nav.archive-months")
    links = nav.locator(".archive-months__months a")
    expected = [f"{m.month:%B} {m.stories}" for m in archive_months()]
    assert [" ".join(text.split()[:2]) for text in links.all_inner_texts()] == expected
    assert axe_violations(page) == []
    nav.screenshot(path=str(_folder(tmp_path) / f"front-page-archive-{_suffix(width)}.png"))


@pytest.mark.parametrize("width", [*WIDTHS, 320, 800])
def test_the_metric_chart_is_drawn_inside_its_box(demo, page_at, axe_violations, width, tmp_path):
    metric = Metric.objects.get(slug="grey-seals-ellery-estuary")
    page = page_at(width, 900)
    page.goto(demo + metric.get_absolute_url())

    geometry = page.evaluate(_CHART_GEOMETRY)

    assert geometry["outside"] == []
    assert geometry["fits"]
    assert geometry["count"] >= 5
    # Labels drawn at 12 units stay at least 10 pixels high on a phone as on a screen.
    assert geometry["scale"] * 12 >= 10, geometry
    if width in WIDTHS:
        assert axe_violations(page) == []
        page.locator(".metric-chart").screenshot(
            path=str(_folder(tmp_path) / f"metric-chart-{_suffix(width)}.png")
        )
