"""The story form, its inlines, the story list and the media library fit the window at 1280
and 375 px: nothing makes the page scroll sideways and nothing sticks out of it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import images
from articles.models import ArticleAuthor, Image
from newsroom.roles import EDITORS
from tests.browser.conftest import WIDTHS
from tests.browser.test_refused_save_keeps_image import sign_in
from tests.factories import (
    AuthorFactory,
    FigureFactory,
    QuoteFactory,
    SourceFactory,
    UserFactory,
    published_article,
)
from tests.test_images import encode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements whose right edge lies beyond the window, outside any scrolling box of their own.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      const clips = /(auto|scroll|hidden)/.test(style.overflowX);
      if (clips && p.scrollWidth > p.clientWidth) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > width + 1)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${inScroller(el) ? '(scrolls)' : ''}`)
    .slice(0, 10);
}"""


@pytest.fixture
def desk(live_server):
    UserFactory(username="desk-editor", groups=[EDITORS])
    story = published_article(
        headline="Council approves the costly repair of the old harbour wall after years "
        "of argument about whether to patch it or rebuild it",
        featured_position=1,
    )
    for position, name in enumerate(["Maren Okafor", "Dev Castellan"]):
        ArticleAuthor.objects.create(
            article=story, author=AuthorFactory(name=name), position=position
        )
    source = SourceFactory(
        title="Minutes of the full council meeting on the harbour wall repair programme",
        publisher="Port Ellery Borough Council Democratic Services",
    )
    for number in range(6):
        FigureFactory(
            article=story,
            text=f"£{number}.5 million",
            value=Decimal("2500"),
            unit="GBP",
            counts="Cost of repairing the western section of the old harbour wall",
            source=source,
        )
    QuoteFactory(article=story, source=source)
    Image.objects.create(
        file=images.clean_upload(SimpleUploadedFile("p.png", encode("PNG", size=(1200, 800)))),
        alt_text="The harbour wall at low tide with scaffolding along its length",
        caption="Scaffolding went up on the western section in October.",
        credit="Photo: Harbour Gazette",
        source="Staff photographer",
        licence="Own work",
    )
    return story


@pytest.mark.parametrize("width", WIDTHS)
def test_no_story_or_library_page_is_wider_than_the_window(page_at, live_server, desk, width):
    page = page_at(width)
    sign_in(page, live_server, "desk-editor")
    image = Image.objects.get()
    for path in (
        "/admin/articles/article/",
        f"/admin/articles/article/{desk.pk}/change/",
        "/admin/articles/article/add/",
        "/admin/articles/image/",
        f"/admin/articles/image/{image.pk}/change/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
        assert page.evaluate(STICKING_OUT) == [], path


def test_figure_values_show_as_written(page_at, live_server, desk):
    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/{desk.pk}/change/")
    assert page.input_value("#id_figures-0-value") == "2500"
