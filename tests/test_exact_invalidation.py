"""Exact invalidation: each kind of change re-renders the pages that show what changed, and
every other page stays in the cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    CorrectionFactory,
    SectionFactory,
    SourceFactory,
    SupportCampaignFactory,
    published_article,
)

pytestmark = pytest.mark.django_db


def state(client: Client, url: str) -> str:
    """'hit' when the page cache answered, 'miss' when the page was rendered and kept."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get("X-Page-Cache", "not kept")


def warm(client: Client, *urls: str) -> None:
    for url in urls:
        client.get(url)
        assert state(client, url) == "hit", url


@pytest.fixture
def site():
    """Two sections, a story in each (older ones beside them), and their listing pages."""
    harbour, council = SectionFactory(name="Harbour"), SectionFactory(name="Council")
    author = AuthorFactory(name="Ines Okafor")
    ferry = published_article(
        headline="The ferry timetable changes", section=harbour, authors=[author]
    )
    ferry.tags.add("ferries")
    budget = published_article(headline="The council sets its budget", section=council)
    budget.tags.add("budget")
    old = published_article(
        headline="An old harbour story", section=harbour, at=timezone.now() - dt.timedelta(days=400)
    )
    return {"ferry": ferry, "budget": budget, "old": old, "harbour": harbour, "council": council}


def urls(site: dict) -> dict[str, str]:
    ferry, budget = site["ferry"], site["budget"]
    local = timezone.localtime(budget.published_at)
    return {
        "ferry": ferry.get_absolute_url(),
        "budget": budget.get_absolute_url(),
        "old": site["old"].get_absolute_url(),
        "front": "/",
        "harbour": site["harbour"].get_absolute_url(),
        "council": site["council"].get_absolute_url(),
        "ferries tag": "/tag/ferries/",
        "budget tag": "/tag/budget/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "month": f"/{local.year}/{local.month:02d}/",
    }


def test_an_approved_comment_re_renders_its_story_and_nothing_else(client, site, moderator):
    pages = urls(site)
    warm(client, *pages.values())
    comment = CommentFactory(article=site["ferry"], status="pending", body="Fares went up.")

    comment.approve(by=moderator)

    story = client.get(pages["ferry"])
    assert story["X-Page-Cache"] == "miss"
    assert "Fares went up." in story.content.decode()
    assert "1 Comment" in story.content.decode()
    for name in ("budget", "old", "front", "harbour", "ferries tag", "feed", "sitemap", "month"):
        assert state(client, pages[name]) == "hit", name


def test_a_rejected_comment_leaves_its_story(client, site, moderator):
    pages = urls(site)
    comment = CommentFactory(article=site["ferry"], status="approved", body="Out of line.")
    warm(client, pages["ferry"], pages["budget"])

    comment.reject(by=moderator, reason="abuse")

    assert "Out of line." not in client.get(pages["ferry"]).content.decode()
    assert state(client, pages["budget"]) == "hit"


def test_a_held_comment_touches_nothing(client, site):
    pages = urls(site)
    warm(client, pages["ferry"])
    CommentFactory(article=site["ferry"], status="pending")
    assert state(client, pages["ferry"]) == "hit"


def test_a_story_edit_re_renders_its_page_and_the_listings_that_print_it(client, site):
    pages = urls(site)
    warm(client, *pages.values())
    ferry = Article.objects.get(pk=site["ferry"].pk)

    ferry.headline = "The ferry timetable changes again"
    ferry.save()

    for name in ("ferry", "front", "harbour", "ferries tag", "feed"):
        response = client.get(pages[name])
        assert response["X-Page-Cache"] == "miss", name
        assert "The ferry timetable changes again" in response.content.decode(), name
    assert state(client, pages["sitemap"]) == "miss"  # its last-change date
    # The old story's page lists the ferry story as related (same section): it goes too.
    assert state(client, pages["old"]) == "miss"
    for name in ("budget", "council", "budget tag"):
        assert state(client, pages[name]) == "hit", name


def test_an_edit_of_a_story_on_no_cached_listing_keeps_the_front_page(client, site):
    weather = SectionFactory(name="Weather")
    for n in range(12):  # newer than the old story: it drops off the front page
        published_article(headline=f"Forecast {n}", section=weather)
    for n in range(4):  # and out of the harbour block
        published_article(headline=f"Harbour note {n}", section=site["harbour"])
    pages = urls(site)
    warm(client, pages["front"], pages["old"], pages["budget"])
    assert "An old harbour story" not in client.get(pages["front"]).content.decode()

    site["old"].standfirst = "Archive note."
    site["old"].save()

    assert state(client, pages["old"]) == "miss"
    assert state(client, pages["front"]) == "hit"
    assert state(client, pages["budget"]) == "hit"


def test_a_draft_saved_touches_nothing(client, site):
    pages = urls(site)
    warm(client, *pages.values())

    draft = ArticleFactory(headline="Not yet", section=site["harbour"])
    draft.headline = "Still not yet"
    draft.save()

    for name, url in pages.items():
        assert state(client, url) == "hit", name


def test_publishing_a_story_re_renders_the_listings_it_joins(client, site, editor):
    pages = urls(site)
    warm(client, *pages.values())
    story = ArticleFactory(headline="Harbour dredging starts", section=site["harbour"])

    story.publish(by=editor)

    for name in ("front", "harbour", "feed"):
        response = client.get(pages[name])
        assert response["X-Page-Cache"] == "miss", name
        assert "Harbour dredging starts" in response.content.decode(), name
    assert story.get_absolute_url() in client.get(pages["sitemap"]).content.decode()
    # The stories of its section list it among their related stories now.
    for name in ("ferry", "old"):
        response = client.get(pages[name])
        assert response["X-Page-Cache"] == "miss", name
        related = response.content.decode().split('id="related-heading"', 1)[1]
        assert "Harbour dredging starts" in related, name
    for name in ("budget", "council", "budget tag", "ferries tag"):
        assert state(client, pages[name]) == "hit", name


def test_unpublishing_a_story_removes_it_from_its_listings(client, site, editor):
    pages = urls(site)
    warm(client, *pages.values())

    site["ferry"].return_to_draft(by=editor)

    assert client.get(pages["ferry"]).status_code == 404
    for name in ("front", "harbour", "ferries tag", "feed"):
        assert "The ferry timetable changes" not in client.get(pages[name]).content.decode(), name
    assert state(client, pages["council"]) == "hit"
    assert state(client, pages["budget"]) == "hit"


def test_a_tag_added_reaches_the_tag_page_and_not_other_stories(client, site):
    pages = urls(site)
    warm(client, pages["budget tag"], pages["ferry"], pages["budget"], pages["council"])

    site["ferry"].tags.add("budget")

    assert "The ferry timetable changes" in client.get(pages["budget tag"]).content.decode()
    assert state(client, pages["ferry"]) == "miss"
    # The budget story shares a tag with the ferry story now: it is among its related stories.
    response = client.get(pages["budget"])
    assert response["X-Page-Cache"] == "miss"
    assert (
        "The ferry timetable changes" in response.content.decode().split('id="related-heading"')[1]
    )
    assert state(client, pages["council"]) == "hit"  # lists the budget story, not the ferry


def test_a_correction_re_renders_its_story_only(client, site):
    pages = urls(site)
    warm(client, pages["ferry"], pages["budget"], pages["front"])

    CorrectionFactory(article=site["ferry"], text="The 7.10 sails at 7.15.")

    assert "The 7.10 sails at 7.15." in client.get(pages["ferry"]).content.decode()
    assert state(client, pages["budget"]) == "hit"


def test_a_source_edit_re_renders_the_stories_citing_it(client, site):
    from articles.models import ArticleSource

    source = SourceFactory(title="Harbour board minutes")
    ArticleSource.objects.create(
        article=site["ferry"], source=source, origin=ArticleSource.Origin.HAND
    )
    pages = urls(site)
    warm(client, pages["ferry"], pages["budget"])

    source.title = "Harbour board minutes, March"
    source.save()

    assert "Harbour board minutes, March" in client.get(pages["ferry"]).content.decode()
    assert state(client, pages["budget"]) == "hit"


def test_the_campaign_re_renders_the_pages_carrying_the_support_box(client, site):
    pages = urls(site)
    warm(client, pages["ferry"], pages["front"], pages["harbour"], "/support/")

    SupportCampaignFactory(title="Keep the harbour desk open")

    assert "Keep the harbour desk open" in client.get(pages["ferry"]).content.decode()
    assert "Keep the harbour desk open" in client.get("/support/").content.decode()
    assert state(client, pages["front"]) == "hit"
    assert state(client, pages["harbour"]) == "hit"


def test_a_campaign_ending_leaves_the_pages_when_its_time_comes(client, site, monkeypatch):
    pages = urls(site)
    SupportCampaignFactory(title="Winter appeal", ends_at=timezone.now() + dt.timedelta(hours=1))
    assert "Winter appeal" in client.get(pages["ferry"]).content.decode()
    warm(client, pages["ferry"], pages["harbour"])

    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Winter appeal" not in client.get(pages["ferry"]).content.decode()
    assert state(client, pages["harbour"]) == "hit"


def test_a_scheduled_story_going_live_leaves_unrelated_pages_cached(
    client, site, editor, monkeypatch
):
    pages = urls(site)
    story = ArticleFactory(headline="Embargoed harbour report", section=site["harbour"])
    story.publish(by=editor, at=timezone.now() + dt.timedelta(hours=1))
    warm(client, pages["front"], pages["harbour"], pages["council"], pages["budget"])

    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "Embargoed harbour report" in client.get(pages["front"]).content.decode()
    assert "Embargoed harbour report" in client.get(pages["harbour"]).content.decode()
    assert state(client, pages["council"]) == "hit"
    assert state(client, pages["budget"]) == "hit"


def test_a_section_renamed_re_renders_every_page(client, site):
    pages = urls(site)
    warm(client, pages["budget"], pages["ferry"])

    site["harbour"].name = "Waterfront"
    site["harbour"].save()

    assert state(client, pages["budget"]) == "miss"  # the menu on every page names it
    assert "Waterfront" in client.get(pages["ferry"]).content.decode()


@pytest.mark.parametrize(
    "url",
    ["/?page=99", "/?page=abc", "/search/?q=nothingmatchesthis", "/search/?q=ferry&page=40"],
)
def test_answers_for_numbers_and_words_no_page_has_are_not_kept(client, site, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in client.get(url)


def test_a_comment_page_past_the_last_and_an_invented_reply_target_are_not_kept(client, site):
    url = site["ferry"].get_absolute_url()
    for query in ("?comments=7", "?replyto=999999"):
        assert client.get(url + query).status_code == 200
        assert "X-Page-Cache" not in client.get(url + query), query
