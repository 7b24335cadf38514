"""Link previews and the outlet's identity: Open Graph and Twitter card tags on the front page,
a listing and a story; the front page's JSON-LD; the logo chosen in the admin."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles import images
from articles.models import Image, Outlet
from articles.sharing import og_locale
from newsroom.demo import pictures
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    add_lead_image,
    published_article,
)

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


class _Head(HTMLParser):
    """Every <meta> of a page as (attribute, name) → [content, …]."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[tuple[str, str], list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        found = dict(attrs)
        for attribute in ("property", "name"):
            if (name := found.get(attribute)) is not None:
                self.meta.setdefault((attribute, name), []).append(found.get("content") or "")


def meta_of(html: str) -> dict[tuple[str, str], list[str]]:
    parser = _Head()
    parser.feed(html)
    return parser.meta


def one(html: str, name: str) -> str:
    attribute = "property" if name.startswith("og:") else "name"
    (value,) = meta_of(html)[(attribute, name)]
    return value


def library_image(name: str, size: tuple[int, int], alt: str) -> Image:
    """A picture through the media library's pipeline, as the admin's upload makes it."""
    upload = images.clean_upload(pictures.draw_image(name, ("#16425b", "#f4d35e"), size))
    return Image.objects.create(file=upload, alt_text=alt)


@pytest.fixture
def pages(client: Client) -> dict[str, str]:
    """The front page, a section listing and a story with a lead image, as HTML."""
    section = SectionFactory(name="Harbour", slug="harbour", description="Boats and the quay.")
    story = published_article(
        headline="The ferry timetable changes",
        standfirst="Extra crossings from May.",
        section=section,
        at=dt.datetime(2021, 3, 4, 9, 30, tzinfo=dt.UTC),
    )
    add_lead_image(story)
    story.refresh_from_db()
    return {
        "front": client.get("/").content.decode(),
        "listing": client.get(section.get_absolute_url()).content.decode(),
        "story": client.get(story.get_absolute_url()).content.decode(),
        "story_url": BASE + story.get_absolute_url(),
    }


@pytest.fixture
def outlet_with_logo() -> Outlet:
    outlet = Outlet.objects.get()
    outlet.logo = library_image("gazette-logo", (900, 180), "Gazette wordmark")
    outlet.share_image = library_image("gazette-share", (1200, 630), "The harbour at dusk")
    outlet.description = "Local news from Port Ellery and the harbour villages."
    outlet.save()
    return outlet


# --- Each tag on the front page, a listing and a story -----------------------------------------

EXPECTED_TITLES = {
    "front": "The Harbour Gazette",
    "listing": "Harbour — The Harbour Gazette",
    "story": "The ferry timetable changes",
}
EXPECTED_DESCRIPTIONS = {
    "front": "Local news from Port Ellery and the harbour villages.",
    "listing": "Boats and the quay.",
    "story": "Extra crossings from May.",
}
EXPECTED_URLS = {"front": BASE + "/", "listing": BASE + "/section/harbour/"}


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_og_title(outlet_with_logo, pages, page):
    assert one(pages[page], "og:title") == EXPECTED_TITLES[page]


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_og_description(outlet_with_logo, pages, page):
    assert one(pages[page], "og:description") == EXPECTED_DESCRIPTIONS[page]


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_og_url_is_the_canonical_address(pages, page):
    expected = EXPECTED_URLS.get(page, pages["story_url"])
    assert one(pages[page], "og:url") == expected


@pytest.mark.parametrize(
    ("page", "kind"), [("front", "website"), ("listing", "website"), ("story", "article")]
)
def test_og_type(pages, page, kind):
    assert one(pages[page], "og:type") == kind


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_og_locale_follows_the_site_language(pages, page):
    assert one(pages[page], "og:locale") == "en_GB"


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_og_site_name(pages, page):
    assert one(pages[page], "og:site_name") == "The Harbour Gazette"


def test_the_story_image_is_its_lead_image_with_size_and_alt(pages):
    html = pages["story"]
    image = one(html, "og:image")
    assert image.startswith(BASE + "/media/renditions/")
    width, height = int(one(html, "og:image:width")), int(one(html, "og:image:height"))
    assert (width, height) == (996, 560)  # the 16:9 cut of the 1000 × 560 picture
    assert one(html, "og:image:alt") == "Boats moored along a stone quay."


@pytest.mark.parametrize("page", ["front", "listing"])
def test_other_pages_show_the_outlet_share_picture_with_size_and_alt(outlet_with_logo, pages, page):
    client = Client()
    html = client.get("/" if page == "front" else "/section/harbour/").content.decode()
    assert one(html, "og:image").startswith(BASE + "/media/renditions/")
    assert (int(one(html, "og:image:width")), int(one(html, "og:image:height"))) == (1200, 630)
    assert one(html, "og:image:alt") == "The harbour at dusk"


@pytest.mark.parametrize("page", ["front", "listing"])
def test_without_a_share_picture_pages_show_the_logo(pages, page):
    outlet = Outlet.objects.get()
    outlet.logo = library_image("gazette-logo", (900, 180), "Gazette wordmark")
    outlet.save()
    html = Client().get("/" if page == "front" else "/section/harbour/").content.decode()
    assert (int(one(html, "og:image:width")), int(one(html, "og:image:height"))) == (480, 96)
    # The logo says the outlet's name, whatever the library's own description.
    assert one(html, "og:image:alt") == "The Harbour Gazette"


@pytest.mark.parametrize(
    ("page", "card"),
    [
        ("front", "summary_large_image"),
        ("listing", "summary_large_image"),
        ("story", "summary_large_image"),
    ],
)
def test_twitter_card(outlet_with_logo, pages, page, card):
    html = (
        pages[page]
        if page == "story"
        else Client().get("/" if page == "front" else "/section/harbour/").content.decode()
    )
    assert one(html, "twitter:card") == card


def test_a_page_without_any_picture_has_a_small_card(pages):
    assert one(pages["front"], "twitter:card") == "summary"
    assert ("property", "og:image") not in meta_of(pages["front"])


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_twitter_title(outlet_with_logo, pages, page):
    assert one(pages[page], "twitter:title") == EXPECTED_TITLES[page]


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_twitter_description(outlet_with_logo, pages, page):
    assert one(pages[page], "twitter:description") == EXPECTED_DESCRIPTIONS[page]


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_twitter_image_is_the_og_image(outlet_with_logo, pages, page):
    html = (
        pages["story"]
        if page == "story"
        else Client().get("/" if page == "front" else "/section/harbour/").content.decode()
    )
    assert one(html, "twitter:image") == one(html, "og:image")
    assert one(html, "twitter:image:alt") == one(html, "og:image:alt")


@pytest.mark.parametrize("page", ["front", "listing", "story"])
def test_robots_allow_large_image_previews(pages, page):
    assert one(pages[page], "robots") == "max-image-preview:large"


def test_every_listing_kind_has_its_own_title(client):
    author = AuthorFactory(name="Ines Marr", slug="ines-marr")
    story = published_article(
        headline="Seal count rises",
        authors=[author],
        at=dt.datetime(2021, 3, 4, 9, 30, tzinfo=dt.UTC),
    )
    story.tags.add("wildlife")
    titles = {
        "/tag/wildlife/": "wildlife — The Harbour Gazette",
        author.get_absolute_url(): "Ines Marr — The Harbour Gazette",
        "/2021/03/": "March 2021 — The Harbour Gazette",
        "/2021/": "2021 — The Harbour Gazette",
        "/search/?q=seal": "Search results for “seal” — The Harbour Gazette",
        "/corrections/": "Corrections — The Harbour Gazette",
    }
    for url, title in titles.items():
        html = client.get(url).content.decode()
        assert one(html, "og:title") == title, url
        assert one(html, "og:url").startswith(BASE + url.split("?")[0]), url
    assert one(client.get("/search/?q=seal").content.decode(), "og:url") == BASE + "/search/?q=seal"


def test_previews_carry_no_sharing_tags(editor_client):
    draft = ArticleFactory(headline="Not yet")
    html = editor_client.get(reverse("articles:preview", kwargs={"pk": draft.pk})).content.decode()
    assert ("property", "og:title") not in meta_of(html)
    assert one(html, "robots") == "noindex"


@pytest.mark.parametrize(
    ("language", "locale"),
    [("en-gb", "en_GB"), ("es", "es_ES"), ("cy", "cy_CY"), ("pt-br", "pt_BR")],
)
def test_og_locale_is_written_the_open_graph_way(language, locale):
    assert og_locale(language) == locale
    with translation.override(language):
        assert og_locale() == locale


# --- The front page's JSON-LD ------------------------------------------------------------------


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_the_front_page_describes_the_outlet_and_its_search(client, outlet_with_logo):
    story = published_article()
    (graph,) = _json_ld(client.get("/").content.decode())
    organisation, website = graph["@graph"]

    assert organisation["@type"] == "NewsMediaOrganization"
    assert organisation["name"] == "The Harbour Gazette"
    assert organisation["url"] == BASE + "/"
    logo = organisation["logo"]
    assert logo["url"].startswith(BASE + "/media/renditions/")
    assert (logo["width"], logo["height"]) == (480, 96)
    assert website["@type"] == "WebSite"
    assert website["url"] == BASE + "/"
    assert website["publisher"] == {"@id": organisation["@id"]}
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == BASE + "/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"

    # Every story names the very same publisher.
    (article,) = _json_ld(client.get(story.get_absolute_url()).content.decode())
    assert article["publisher"] == organisation


def test_without_a_logo_the_publisher_is_the_shipped_wordmark(client):
    (graph,) = _json_ld(client.get("/").content.decode())
    logo = graph["@graph"][0]["logo"]
    assert logo == {
        "@type": "ImageObject",
        "url": BASE + "/static/img/logo.png",
        "width": 600,
        "height": 60,
    }


# --- The logo in the header --------------------------------------------------------------------


def test_the_header_shows_the_name_in_text_until_a_logo_is_chosen(client, outlet_with_logo):
    html = client.get("/").content.decode()
    logo = outlet_with_logo.logo
    assert re.search(
        r'<p class="site-name"><a href="/"><img class="site-name__logo" src="http://127.0.0.1:8000/media/renditions/'
        r'[^"]+\.jpg" alt="The Harbour Gazette" width="480" height="96"></a></p>',
        html,
    ), html[html.index("<header") :][:600]
    # The picture is a re-encoded copy from the library, never the file as uploaded.
    assert logo.renditions and logo.file.name not in html

    outlet_with_logo.logo = None
    outlet_with_logo.save()
    html = client.get("/").content.decode()
    assert '<p class="site-name"><a href="/">The Harbour Gazette</a></p>' in html


def test_changing_the_logo_re_renders_every_cached_page(client, outlet_with_logo):
    story = published_article()
    urls = ["/", story.get_absolute_url(), story.section.get_absolute_url(), "/feed/"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    outlet_with_logo.logo = library_image("new-logo", (800, 200), "New wordmark")
    outlet_with_logo.save()

    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    html = client.get("/").content.decode()
    assert 'width="480" height="120"' in html  # the new logo's 480-wide copy


def test_editors_change_the_outlet_and_nobody_adds_or_deletes_one(editor_client, writer_client):
    outlet = Outlet.objects.get()
    url = reverse("admin:articles_outlet_change", args=[outlet.pk])
    logo = library_image("gazette-logo", (900, 180), "Gazette wordmark")

    response = editor_client.post(url, {"logo": logo.pk, "share_image": "", "description": "Ours."})

    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.logo, outlet.description) == (logo, "Ours.")
    assert editor_client.get(reverse("admin:articles_outlet_add")).status_code == 403
    assert editor_client.post(reverse("admin:articles_outlet_delete", args=[1])).status_code == 403
    assert writer_client.get(url).status_code == 403
    assert Outlet.objects.count() == 1
