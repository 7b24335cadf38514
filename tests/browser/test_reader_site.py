"""A reader in Chromium: the front page, a story, archives, a tag page and search.

Each page is checked at a phone width and a desktop width for what the reader sees and for
axe-core's serious or critical WCAG 2.2 AA violations (there must be none). The demo
outlet provides realistic content, images included.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.models import Article, Section
from newsroom.demo import pictures as demo_content
from tests.browser.conftest import DESKTOP, PHONE, WIDTHS
from tests.factories import published_article

# The live server needs committed data; the role groups the demo loader uses come back after
# each test's flush (tests/conftest.py and the `roles` fixture).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(live_server, roles, monkeypatch):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "a-demo-password-for-tests")
    # Half-size pictures: the same renditions and markup, a quarter of the encoding time.
    monkeypatch.setattr(
        demo_content, "draw_image", partial(demo_content.draw_image, size=(800, 450))
    )
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


def _lead() -> Article:
    return Article.objects.published().get(slug="council-approves-harbour-wall-repairs")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_shows_the_lead_the_latest_and_the_sections(
    demo, page_at, axe_violations, width
):
    page = page_at(width)
    page.goto(demo + "/")

    assert page.title() == "The Harbour Gazette"
    lead = page.locator(".lead")
    assert lead.locator("h3").inner_text() == _lead().headline
    assert lead.locator(".byline").inner_text() == "By Maren Okafor"
    headings = page.locator("main h2.block-heading").all_inner_texts()
    assert [h.strip().lower() for h in headings[:2]] == ["featured", "latest"]
    assert {"local", "environment", "business"} <= {h.strip().lower() for h in headings}
    assert "Valley bus routes under review" not in page.content()  # a draft
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_story_shows_headline_byline_image_caption_and_support(
    demo, page_at, axe_violations, width
):
    story = _lead()
    page = page_at(width)
    page.goto(demo + story.get_absolute_url())

    assert page.locator("h1").inner_text() == story.headline
    byline = page.locator(".story__meta .byline a")
    assert byline.inner_text() == "Maren Okafor"
    assert byline.get_attribute("href") == "/author/maren-okafor/"
    caption = page.locator(".story__image figcaption").inner_text()
    assert "The east quay at low tide" in caption
    assert "Photo: Harbour Gazette" in caption
    image = page.locator(".story__image img")
    assert image.get_attribute("alt").startswith("A stone harbour wall")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".story__body h2").inner_text() == "Eleven weeks without the east quay"
    assert page.locator(".support h2").inner_text().startswith("Do you like this content?")
    assert page.locator(".support progress").get_attribute("value") == "7340.00"
    assert page.locator(".related li").count() > 0
    assert axe_violations(page) == []


def test_a_story_with_a_correction_shows_the_box(demo, page_at, axe_violations):
    story = Article.objects.published().get(slug="estuary-seal-count-rises")
    page = page_at(PHONE)
    page.goto(demo + story.get_absolute_url())
    box = page.locator("aside.corrections")
    assert "It was 187." in box.inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_month_archive_is_headed_with_its_month(demo, page_at, axe_violations, width):
    published = timezone.localtime(_lead().published_at)
    page = page_at(width)
    page.goto(demo + published.strftime("/%Y/%m/"))

    assert page.locator("h1").inner_text() == date_format(published, "F Y")
    assert page.locator(".story-card").count() >= 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_tag_page_pages_through_older_stories(demo, page_at, axe_violations, width):
    local = Section.objects.get(slug="local")
    for n in range(21):
        story = published_article(
            section=local,
            headline=f"Harbour notice {n}",
            at=timezone.now() - timezone.timedelta(days=100 + n),
        )
        story.tags.add("harbour")
    page = page_at(width)
    page.goto(demo + "/tag/harbour/")

    assert page.locator("h1").inner_text().endswith("harbour")
    assert page.locator(".story-card").count() == 20
    older = page.get_by_role("link", name="Older stories")
    assert older.is_visible()
    assert axe_violations(page) == []

    older.click()
    page.wait_for_url("**/tag/harbour/?page=2")
    assert page.get_by_role("link", name="Newer stories").is_visible()
    assert "Page 2 of 2" in page.locator(".pagination").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_searching_from_the_header_lists_ranked_results(demo, page_at, axe_violations, width):
    page = page_at(width)
    page.goto(demo + "/")
    page.get_by_label("Search stories").fill("seal count")
    page.get_by_label("Search stories").press("Enter")
    page.wait_for_url("**/search/?q=seal+count")

    assert page.locator("h1").inner_text() == "Search"
    assert "2 stories matching" in page.locator(".search-summary").inner_text()
    # Both demo stories carry "seal count" in the headline; equal matches list newest first.
    headlines = page.locator(".story-card h3 a").all_inner_texts()
    assert set(headlines) == {
        "Seal count in the Ellery estuary rises for a third year",
        "Council report puts the autumn seal count lower than the trust’s",
    }
    assert axe_violations(page) == []


def test_a_hostile_search_gets_a_friendly_page(demo, page_at, axe_violations):
    page = page_at(PHONE)
    response = page.goto(demo + '/search/?q="NEAR(*')
    assert response.status == 200
    assert "No stories match" in page.locator(".search-summary").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_dark_mode_keeps_every_colour_pair_readable(demo, page_at, axe_violations, width):
    page = page_at(width, color_scheme="dark")
    for path in ["/", _lead().get_absolute_url(), "/search/?q=harbour"]:
        page.goto(demo + path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(21, 23, 26)"  # the dark paper colour
        assert axe_violations(page) == [], path


def test_nothing_scrolls_sideways_on_the_narrowest_phone(demo, page_at):
    page = page_at(320)
    for path in ["/", _lead().get_absolute_url(), "/search/?q=harbour", "/tag/harbour/"]:
        page.goto(demo + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(demo, page_at):
    page = page_at(DESKTOP)
    page.goto(demo + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_screenshots_of_the_front_page_and_a_story(demo, page_at, tmp_path):
    """Set NEWSROOM_SCREENSHOTS=1 to refresh the committed pictures in docs/screenshots/."""
    folder = SCREENSHOTS if os.environ.get("NEWSROOM_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shots = [
        ("front-page-desktop.jpg", DESKTOP, 1500, "/"),
        ("story-phone.jpg", PHONE, 1800, _lead().get_absolute_url()),
    ]
    for name, width, height, path in shots:
        page = page_at(width, height)
        page.goto(demo + path)
        page.screenshot(path=str(folder / name), type="jpeg", quality=70)
        assert (folder / name).stat().st_size < 300_000
