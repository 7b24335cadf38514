"""What machines read: RSS feeds, sitemaps, robots.txt. Parsed, not string-matched.

The XML is our own output, so the standard library's parser is fine (no untrusted input).
"""

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleAuthor
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    add_lead_image,
    published_article,
    stories_with_everything,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


def _xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314


# --- Feeds ------------------------------------------------------------------------------------


def test_the_site_feed_lists_live_stories_newest_first_with_correct_dates(client):
    older = published_article(headline="Older story", at=timezone.now() - dt.timedelta(days=2))
    newer = published_article(headline="Newer story", at=timezone.now() - dt.timedelta(hours=3))
    ArticleFactory(headline="A draft")
    scheduled = ArticleFactory(headline="Scheduled")
    scheduled.publish(by=None, at=timezone.now() + dt.timedelta(hours=2))

    feed = _feed(client, reverse("feed"))

    assert [e.title for e in feed.entries] == ["Newer story", "Older story"]
    entry = feed.entries[0]
    assert entry.link == f"http://127.0.0.1:8000{newer.get_absolute_url()}"
    assert entry.id == entry.link
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert published == newer.published_at.replace(microsecond=0)
    assert older.headline in [e.title for e in feed.entries]


def test_feed_items_carry_summary_by_default_and_full_text_when_configured(client, settings):
    published_article(standfirst="The short version.", body="<p>The whole story.</p>")
    settings.NEWSROOM_FEED_FULL_CONTENT = False
    assert _feed(client, reverse("feed")).entries[0].summary == "The short version."
    settings.NEWSROOM_FEED_FULL_CONTENT = True
    assert _feed(client, reverse("feed")).entries[0].summary == "<p>The whole story.</p>"


def test_feed_items_have_authors_categories_and_an_image_enclosure(client):
    story = published_article(headline="Barrier test")
    ArticleAuthor.objects.create(article=story, author=AuthorFactory(name="Tobiah Quill"))
    story.tags.add("flooding")
    add_lead_image(story)

    entry = _feed(client, reverse("feed")).entries[0]

    assert entry.author == "Tobiah Quill"
    assert {t.term for t in entry.tags} == {story.section.name, "flooding"}
    (enclosure,) = entry.enclosures
    assert enclosure.type == "image/jpeg"
    assert enclosure.href.startswith("http://127.0.0.1:8000/media/renditions/")
    assert int(enclosure.length) > 0


def test_section_and_tag_feeds_hold_only_their_stories(client):
    local = SectionFactory(slug="local", name="Local")
    in_local = published_article(section=local, headline="Local news")
    elsewhere = published_article(headline="Elsewhere")
    elsewhere.tags.add("ferry")

    section_feed = _feed(client, reverse("articles:section-feed", kwargs={"slug": "local"}))
    tag_feed = _feed(client, reverse("articles:tag-feed", kwargs={"slug": "ferry"}))

    assert [e.title for e in section_feed.entries] == [in_local.headline]
    assert section_feed.feed.title == "Local — The Harbour Gazette"
    assert [e.title for e in tag_feed.entries] == ["Elsewhere"]
    assert client.get("/section/nowhere/feed/").status_code == 404


# Budget for a feed: stories, bylines, tags = 3 (section and tag feeds: +1 to find them).
@pytest.mark.parametrize("count", [1, 50])
def test_feeds_run_a_constant_number_of_queries(client, django_assert_num_queries, count):
    stories_with_everything(count)
    with django_assert_num_queries(3):
        client.get(reverse("feed"))
    with django_assert_num_queries(4):
        client.get(reverse("articles:tag-feed", kwargs={"slug": "harbour"}))


# --- Sitemaps ---------------------------------------------------------------------------------


def test_the_sitemap_lists_live_stories_sections_tags_and_authors_with_lastmod(client):
    author = AuthorFactory(slug="maren")
    story = published_article(authors=[author])
    story.tags.add("harbour")
    draft = ArticleFactory()
    draft.tags.add("secret-topic")
    AuthorFactory(slug="no-stories")

    root = _xml(client, reverse("sitemap"))

    assert root.tag == f"{{{SITEMAP_NS['sm']}}}urlset"
    urls = {
        u.findtext("sm:loc", namespaces=SITEMAP_NS): u for u in root.findall("sm:url", SITEMAP_NS)
    }
    base = "http://127.0.0.1:8000"
    assert set(urls) == {
        base + story.get_absolute_url(),
        base + story.section.get_absolute_url(),
        base + "/tag/harbour/",
        base + "/author/maren/",
    }
    lastmod = urls[base + story.get_absolute_url()].findtext("sm:lastmod", namespaces=SITEMAP_NS)
    assert dt.date.fromisoformat(lastmod[:10]) == timezone.localdate(story.updated_at)


def test_the_news_sitemap_holds_only_the_last_48_hours(client):
    recent = published_article(headline="Fresh news", at=timezone.now() - dt.timedelta(hours=5))
    recent.tags.add("harbour", "council")
    published_article(headline="Old news", at=timezone.now() - dt.timedelta(hours=49))
    ArticleFactory(headline="Draft news")

    root = _xml(client, reverse("news-sitemap"))

    urls = root.findall("sm:url", SITEMAP_NS)
    assert len(urls) == 1
    url = urls[0]
    assert url.findtext("sm:loc", namespaces=SITEMAP_NS) == (
        f"http://127.0.0.1:8000{recent.get_absolute_url()}"
    )
    news = url.find("news:news", SITEMAP_NS)
    publication = news.find("news:publication", SITEMAP_NS)
    assert publication.findtext("news:name", namespaces=SITEMAP_NS) == "The Harbour Gazette"
    assert publication.findtext("news:language", namespaces=SITEMAP_NS) == "en"
    assert news.findtext("news:title", namespaces=SITEMAP_NS) == "Fresh news"
    date = dt.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=SITEMAP_NS))
    assert date == recent.published_at.replace(microsecond=0)
    assert news.findtext("news:keywords", namespaces=SITEMAP_NS) == "council, harbour"


def test_the_news_sitemap_escapes_headlines(client):
    published_article(headline="Fish & chips <prices> rise")
    root = _xml(client, reverse("news-sitemap"))
    assert root.find("sm:url/news:news/news:title", SITEMAP_NS).text == "Fish & chips <prices> rise"


# Budgets: sitemap = count and page for each of the four parts = 8; news sitemap = stories + tags.
@pytest.mark.parametrize("count", [1, 50])
def test_sitemaps_run_a_constant_number_of_queries(client, django_assert_num_queries, count):
    stories_with_everything(count)
    with django_assert_num_queries(8):
        client.get(reverse("sitemap"))
    with django_assert_num_queries(2):
        client.get(reverse("news-sitemap"))


def test_robots_txt_names_both_sitemaps(client):
    published_article(headline="Fresh news", at=timezone.now() - dt.timedelta(hours=5))
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Sitemap: http://127.0.0.1:8000/news-sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
