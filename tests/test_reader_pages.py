"""The public pages readers see: what each shows, what it hides, and what it costs.

Every listing is tried with 1 and with 50 stories (each with its own author, tags and a
correction) and must run the same number of SQL queries; the budget is written per page.
"""

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone, translation

from articles.archive import archive_months, archive_navigation, month_url
from articles.models import Article
from newsroom.front_page import front_page
from newsroom.models import raised_total
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    SectionFactory,
    SupportCampaignFactory,
    add_lead_image,
    published_article,
    stories_with_everything,
)

pytestmark = pytest.mark.django_db

# Query budgets, per page, whatever the number of stories, tags, authors or corrections.
# Every page that draws the site header spends one query on the section navigation and one
# on the outlet's row (its logo, for the header and the sharing tags).
BUDGETS = {
    # placed ids, latest count, latest page, its bylines and tags, placed stories with
    # bylines and tags (3), section ids, section blocks with bylines and tags (3), the archive
    # navigation's months, the outlet, navigation
    "home": 15,
    # placed ids, count, page, bylines, tags, the outlet, navigation
    "home_page_2": 7,
    # story, bylines, tags, corrections, source links, figures, quotes, related, the outlet
    # (logo for the structured data and the sharing tags), campaign, navigation, and the
    # comment area (count and thread page; with no comments yet)
    "story": 13,
    # section, count, page, bylines, tags, the outlet, navigation
    "section": 7,
    # tag, count, page, bylines, tags, the outlet, navigation
    "tag": 7,
    # author, count, page, bylines, tags, the outlet, navigation
    "author": 7,
    # count, page (carrying the months either side), bylines, tags, the archive navigation's
    # months, the outlet, navigation
    "month": 7,
    # the archive navigation's months (the year's own list is cut from them), the outlet,
    # navigation
    "year": 3,
    # count, page of corrections with their stories, the outlet, navigation
    "corrections": 4,
    # campaign, the outlet, navigation
    "support": 3,
}


EXTRA_STORIES = {"home": 6, "home_page_2": 16}


@pytest.fixture
def month_of_stories():
    def make(count: int) -> list[Article]:
        return stories_with_everything(count, at=dt.datetime(2021, 3, 28, 12, tzinfo=dt.UTC))

    return make


def _urls(stories: list[Article]) -> dict[str, str]:
    story = stories[0]
    return {
        "home": reverse("home"),
        "home_page_2": reverse("home") + "?page=2",
        "story": story.get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "harbour"}),
        "author": story.bylines[0].get_absolute_url(),
        "month": reverse("articles:month", kwargs={"year": "2021", "month": "03"}),
        "year": reverse("articles:year", kwargs={"year": "2021"}),
        "corrections": reverse("articles:corrections"),
        "support": reverse("support"),
    }


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_every_page_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, month_of_stories, page, count
):
    # The front page places six stories above its lists, and shows ten per page below them;
    # its count is of the stories in those lists.
    stories = month_of_stories(count + EXTRA_STORIES.get(page, 0))
    campaign = SupportCampaignFactory()
    # The campaign's total is summed once per change of its gifts, then cached: the budgets
    # are of a page rendered after that (tests/test_gifts_total.py counts the first one).
    raised_total(campaign.pk)
    for other in stories[1:]:
        # The author page lists every story by the first story's author, too.
        other.byline_set.create(author=stories[0].bylines[0], position=1)
    for position, story in enumerate(stories[:6], start=1):
        Article.objects.filter(pk=story.pk).update(featured_position=position)
    url = _urls(stories)[page]

    with django_assert_num_queries(BUDGETS[page]):
        response = client.get(url)

    assert response.status_code == 200


# --- Front page -------------------------------------------------------------------------


def test_the_newest_story_leads_when_editors_feature_nothing(client):
    published_article(headline="Older", at=timezone.now() - dt.timedelta(days=2))
    newest = published_article(headline="Newest", at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("home"))
    assert response.context["front"].lead == newest


def test_editors_choose_the_lead_and_the_order_of_featured_stories():
    newest = published_article(headline="Newest")
    chosen = published_article(headline="Chosen lead", at=timezone.now() - dt.timedelta(days=5))
    second = published_article(headline="Second", at=timezone.now() - dt.timedelta(days=9))
    third = published_article(headline="Third", at=timezone.now() - dt.timedelta(days=2))
    for position, story in [(1, chosen), (2, second), (3, third)]:
        Article.objects.filter(pk=story.pk).update(featured_position=position)

    page = front_page()

    assert page.lead == chosen
    assert page.featured == [second, third]
    assert newest not in page.featured


def test_a_featured_draft_never_reaches_the_front_page(client):
    draft = ArticleFactory(headline="Unfinished", featured_position=1)
    live = published_article(headline="Live story")
    response = client.get(reverse("home"))
    assert response.context["front"].lead == live
    assert draft.headline not in response.content.decode()


def test_the_front_page_has_a_block_per_section_in_section_order(client):
    later = SectionFactory(name="Sport", slug="sport", position=2)
    first = SectionFactory(name="Local", slug="local", position=1)
    published_article(section=later, headline="Rowing")
    published_article(section=first, headline="Council", at=timezone.now() - dt.timedelta(days=1))
    published_article(section=first, headline="Schools", at=timezone.now() - dt.timedelta(days=2))

    blocks = front_page().blocks

    # The newest story ("Rowing") leads, so it is not repeated in a block.
    assert [(b.section.name, [a.headline for a in b.articles]) for b in blocks] == [
        ("Local", ["Council", "Schools"])
    ]


def test_kept_section_blocks_follow_every_change_to_them(editor):
    """The blocks' stories are chosen once per change to the listings (newsroom/front_page.py):
    a story published, taken down or edited shows at once; the choice is reused otherwise."""
    local = SectionFactory(name="Local", slug="local", position=1)
    published_article(headline="Lead story", featured_position=1)
    older = published_article(
        section=local, headline="Quay", at=timezone.now() - dt.timedelta(days=2)
    )
    newer = published_article(
        section=local, headline="Pier", at=timezone.now() - dt.timedelta(days=1)
    )

    def block() -> list[str]:
        return [a.headline for b in front_page().blocks for a in b.articles]

    assert block() == ["Pier", "Quay"]
    published_article(section=local, headline="Slipway", at=timezone.now() - dt.timedelta(hours=2))
    assert block() == ["Slipway", "Pier", "Quay"]
    newer.return_to_draft(by=editor)
    assert block() == ["Slipway", "Quay"]
    older.headline = "Quay wall repaired"
    older.save()
    assert block() == ["Slipway", "Quay wall repaired"]


def test_section_blocks_hold_at_most_four_stories_each():
    section = SectionFactory()
    for n in range(7):
        published_article(section=section, at=timezone.now() - dt.timedelta(hours=n + 1))
    (block,) = front_page().blocks
    assert len(block.articles) == 4


def test_the_latest_list_pages_on_without_the_placed_stories(client):
    stories = stories_with_everything(15)
    response = client.get(reverse("home"), {"page": 2})
    shown = list(response.context["articles"])
    assert stories[0] not in shown  # the lead, shown on page 1
    assert shown == stories[11:15]
    assert 'rel="prev"' in response.content.decode()


def test_the_front_page_shows_headings_and_bylines(client):
    author = AuthorFactory(name="Ines Varga")
    published_article(headline="Shipyard wins contract", authors=[author])
    html = client.get(reverse("home")).content.decode()
    assert "Shipyard wins contract" in html
    assert "By Ines Varga" in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/">' in html


# --- Story page ---------------------------------------------------------------------------


def test_a_story_shows_everything_a_reader_needs(client):
    first = AuthorFactory(name="Maren Okafor", slug="maren")
    second = AuthorFactory(name="Dev Castellan", slug="dev")
    story = published_article(
        headline="Flood barrier passes test",
        body="<h2>How it works</h2><p>The gates closed on time.</p>",
        authors=[first, second],
    )
    story.tags.add("flooding")
    add_lead_image(story, caption="The barrier at high tide.")
    CorrectionFactory(article=story, text="The barrier has six gates, not five.")

    html = client.get(story.get_absolute_url()).content.decode()

    assert "<h1>Flood barrier passes test</h1>" in html
    assert 'By <a href="/author/maren/" rel="author">Maren Okafor</a> and ' in html
    # To the second: the HTML checker rejects microseconds in a datetime attribute.
    published = timezone.localtime(story.published_at).replace(microsecond=0).isoformat()
    assert f'Published <time datetime="{published}">' in html
    assert "<h2>How it works</h2>" in html
    assert "The barrier at high tide." in html
    assert "Photo: Harbour Gazette" in html
    assert 'srcset="/media/renditions/' in html
    assert "The barrier has six gates, not five." in html
    assert 'href="/tag/flooding/" rel="tag"' in html
    assert "1 min read" in html


def test_related_stories_share_tags_first_then_the_section(client):
    section = SectionFactory()
    other_section = SectionFactory()
    story = published_article(section=section)
    story.tags.add("ferry", "winter")
    both_tags = published_article(section=other_section, at=timezone.now() - dt.timedelta(days=9))
    both_tags.tags.add("ferry", "winter")
    one_tag = published_article(section=other_section, at=timezone.now() - dt.timedelta(days=2))
    one_tag.tags.add("ferry")
    same_section = published_article(section=section, at=timezone.now() - dt.timedelta(days=1))
    unrelated = published_article(section=other_section)
    draft = ArticleFactory(section=section)
    draft.tags.add("ferry")

    related = client.get(story.get_absolute_url()).context["related"]

    assert related == [both_tags, one_tag, same_section]
    assert unrelated not in related


def test_an_unpublished_story_is_not_found(client):
    story = ArticleFactory()
    story.publish(by=None, at=timezone.now() + dt.timedelta(days=1))
    path = story.public_path()
    assert client.get(path).status_code == 404


def test_the_support_widget_appears_under_a_story_only_while_a_campaign_runs(client):
    story = published_article()
    assert 'class="support"' not in client.get(story.get_absolute_url()).content.decode()
    SupportCampaignFactory(goal=12000, raised=7340)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Consider helping us!" in html
    assert "£7,340" in html
    assert "£12,000" in html
    assert 'max="12000.00" value="7340.00"' in html
    assert 'href="https://harbour-gazette.example/donate"' in html


def test_a_finished_campaign_is_hidden(client):
    SupportCampaignFactory(
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    html = client.get(reverse("support")).content.decode()
    assert "not running an appeal" in html
    assert "<progress" not in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_reader_pages_refuse_writes(client, method):
    story = published_article()
    for url in [story.get_absolute_url(), reverse("home"), reverse("search")]:
        assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("role", ["writer", "editor", "moderator"])
def test_staff_see_the_same_public_pages_as_readers(request, role):
    story = published_article(headline="Public for everyone")
    ArticleFactory(headline="Not yet published")
    staff_client: Client = request.getfixturevalue(f"{role}_client")
    html = staff_client.get(reverse("home")).content.decode()
    assert "Public for everyone" in html
    assert "Not yet published" not in html
    assert staff_client.get(story.get_absolute_url()).status_code == 200
    search = staff_client.get(reverse("search"), {"q": "not yet published"})
    assert search.context["articles"] == []


# --- Archives -------------------------------------------------------------------------------


def test_the_month_archive_is_headed_with_the_month_name(client, month_of_stories):
    month_of_stories(3)
    response = client.get(reverse("articles:month", kwargs={"year": "2021", "month": "03"}))
    assert "<h1>March 2021</h1>" in response.content.decode()
    assert len(response.context["articles"]) == 3


def test_the_month_archive_links_to_the_months_either_side(client):
    published_article(at=dt.datetime(2021, 1, 10, 12, tzinfo=dt.UTC))
    published_article(at=dt.datetime(2021, 3, 10, 12, tzinfo=dt.UTC))
    published_article(at=dt.datetime(2021, 6, 10, 12, tzinfo=dt.UTC))
    html = client.get("/2021/03/").content.decode()
    assert '<a href="/2021/01/" rel="prev">← January 2021</a>' in html
    assert '<a href="/2021/06/" rel="next">June 2021 →</a>' in html


def test_an_empty_month_is_not_found(client):
    published_article(at=dt.datetime(2021, 3, 10, 12, tzinfo=dt.UTC))
    assert client.get("/2021/04/").status_code == 404
    assert client.get("/2021/13/").status_code == 404


def test_the_year_page_lists_months_with_counts(client):
    for day in (3, 9):
        published_article(at=dt.datetime(2021, 3, day, 12, tzinfo=dt.UTC))
    published_article(at=dt.datetime(2021, 7, 1, 12, tzinfo=dt.UTC))
    ArticleFactory()  # a draft counts for nothing
    response = client.get("/2021/")
    assert [(m.month.month, m.stories) for m in response.context["months"]] == [
        (7, 1),
        (3, 2),
    ]
    html = response.content.decode()
    assert "3 stories in 2021." in html
    assert 'href="/2021/03/">March</a> <span class="count">2 stories</span>' in html
    assert client.get("/1999/").status_code == 404


def test_listings_are_paginated_newest_first_with_a_tie_breaker(client):
    when = timezone.now() - dt.timedelta(hours=2)
    section = SectionFactory(slug="local")
    stories = [published_article(section=section, at=when) for _ in range(22)]
    response = client.get(section.get_absolute_url())
    first_page = list(response.context["articles"])
    assert first_page == sorted(stories, key=lambda a: -a.pk)[:20]
    html = response.content.decode()
    assert '<a href="?page=2" rel="next">Older stories →</a>' in html
    assert "Page 1 of 2" in html


def test_the_author_page_shows_the_bio(client):
    author = AuthorFactory(name="Tobiah Quill", bio="Walks the estuary most mornings.")
    published_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert "<h1>Tobiah Quill</h1>" in html
    assert "Walks the estuary most mornings." in html


def test_section_and_tag_pages_carry_breadcrumbs(client):
    story = published_article()
    story.tags.add("ferry")
    for url in [story.section.get_absolute_url(), "/tag/ferry/"]:
        html = client.get(url).content.decode()
        assert '"@type": "BreadcrumbList"' in html


# --- Corrections, support, errors ------------------------------------------------------------


def test_the_corrections_log_lists_only_live_stories(client):
    live = published_article(headline="Seal count")
    CorrectionFactory(article=live, text="It was 187, not 178.")
    CorrectionFactory(article=ArticleFactory(headline="Draft story"), text="Secret fix.")
    html = client.get(reverse("articles:corrections")).content.decode()
    assert "It was 187, not 178." in html
    assert "Secret fix." not in html
    assert "Draft story" not in html


def test_the_support_page_shows_the_running_campaign(client):
    SupportCampaignFactory(title="Help us report", goal=5000, raised=5600, currency="EUR")
    response = client.get(reverse("support"))
    html = response.content.decode()
    assert "Help us report" in html
    assert "€5,600" in html
    assert "(100%)" in html


def test_the_not_found_page_is_in_the_site_design(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'class="skip-link"' in html
    assert 'role="search"' in html


def test_the_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    from newsroom.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_health_check_still_reports_the_database(client):
    response = client.get("/healthz")
    assert response.json()["database"] == "ok"


def test_a_tag_only_a_draft_carries_is_not_found_nor_its_feed(client):
    draft = ArticleFactory(headline="Merger talks with the ferry company")
    draft.tags.add("merger-talks")

    assert client.get("/tag/merger-talks/").status_code == 404
    assert client.get("/tag/merger-talks/feed/").status_code == 404

    published_article(headline="Ferry timetable").tags.add("merger-talks")
    assert client.get("/tag/merger-talks/").status_code == 200
    assert client.get("/tag/merger-talks/feed/").status_code == 200


def test_the_archive_months_are_counted_once_per_change_to_the_latest_list(
    django_assert_num_queries,
):
    published_article(at=dt.datetime(2021, 3, 3, 12, tzinfo=dt.UTC))
    assert [(m.month, m.stories) for m in archive_months()] == [(dt.date(2021, 3, 1), 1)]
    with django_assert_num_queries(0):  # kept: nothing about the live stories changed
        assert [m.stories for m in archive_months()] == [1]

    later = published_article(at=dt.datetime(2021, 3, 20, 12, tzinfo=dt.UTC))
    assert [(m.month, m.stories) for m in archive_months()] == [(dt.date(2021, 3, 1), 2)]

    later.return_to_draft(by=None)  # leaves the listings: the months are counted again
    assert [(m.month, m.stories) for m in archive_months()] == [(dt.date(2021, 3, 1), 1)]


def test_the_archive_navigation_is_rendered_once_per_change_to_the_latest_list():
    published_article(at=dt.datetime(2021, 3, 3, 12, tzinfo=dt.UTC))
    march, april = month_url(dt.date(2021, 3, 1)), month_url(dt.date(2021, 4, 1))
    renders: list[str] = []

    def rendered(sender, template, **kwargs):
        if template.name == "articles/_archive_months.html":
            renders.append(template.name)

    at = RequestFactory().get
    template_rendered.connect(rendered)
    try:
        front = archive_navigation(at("/"))
        assert f'href="{march}"' in front and "aria-current" not in front
        assert archive_navigation(at("/")) == front  # kept: nothing changed
        assert len(renders) == 1

        # Each archive page marks itself, in the navigation kept for its address.
        on_march = archive_navigation(at(march))
        assert f'href="{march}" aria-current="page"' in on_march
        assert len(renders) == 2
        with translation.override("es"):
            assert "marzo" in archive_navigation(at("/"))
        assert len(renders) == 3

        later = published_article(at=dt.datetime(2021, 4, 20, 12, tzinfo=dt.UTC))
        assert f'href="{april}"' in archive_navigation(at("/"))
        later.return_to_draft(by=None)  # leaves the listings: April is gone again
        assert archive_navigation(at("/")) == front
        assert len(renders) == 5
    finally:
        template_rendered.disconnect(rendered)
