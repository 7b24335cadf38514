"""Full-text search: one function, FTS5 on SQLite and tsvector/GIN on PostgreSQL.

The whole suite runs on both databases, so every test here checks both engines.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article, ArticleAuthor
from articles.search import MAX_TERMS, search_articles, search_terms
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    published_article,
    stories_with_everything,
)

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    "x" * 10_000,
    "harbour " * 2_000,
    "!!! ??? ... ;;; --- ***",
    '"',
    '"harbour',
    'harbour"',
    "NEAR(",
    "NEAR(harbour wall",
    "*",
    "harbour*",
    "^harbour",
    "headline:harbour",
    "harbour AND OR NOT",
    "(harbour",
    "'; DROP TABLE articles_article; --",
    "\x00harbour",
    "🙂🙂🙂",
    "{headline body}: harbour",
    "-harbour",
    "harbour + wall",
]


def _headlines(results: list[Article]) -> list[str]:
    return [a.headline for a in results]


def test_terms_keep_only_words():
    assert search_terms('  "Harbour" NEAR(wall)*  repairs!! ') == [
        "harbour",
        "near",
        "wall",
        "repairs",
    ]


def test_terms_are_capped_in_number_and_length():
    terms = search_terms(" ".join(f"word{n}" for n in range(100)) + " " + "y" * 500)
    assert len(terms) == MAX_TERMS
    assert all(len(term) <= 40 for term in search_terms("z" * 400))


def test_punctuation_alone_has_no_terms():
    assert search_terms("!!! ... *** \"' ()") == []


def test_it_finds_a_story_by_a_word_in_its_body():
    story = published_article(body="<p>The lighthouse keeper retired on Friday.</p>")
    published_article(body="<p>Nothing about that here.</p>")
    assert list(search_articles("lighthouse")) == [story]


def test_it_matches_word_forms():
    story = published_article(headline="Harbour wall repaired after storms")
    assert list(search_articles("repairs storm")) == [story]


def test_a_headline_match_beats_a_body_match():
    in_body = published_article(
        headline="Council meeting notes",
        standfirst="",
        body="<p>Members also discussed the estuary ferry in passing.</p>",
        at=timezone.now() - dt.timedelta(minutes=5),
    )
    in_headline = published_article(
        headline="Estuary ferry timetable cut",
        standfirst="",
        body="<p>Fewer crossings this winter.</p>",
        at=timezone.now() - dt.timedelta(days=3),
    )
    assert list(search_articles("estuary ferry")) == [in_headline, in_body]


def test_only_the_newest_candidates_are_ranked(monkeypatch):
    """A word most stories contain ranks the newest RANK_CANDIDATES matches, not all of them:
    the old headline match is outranked only by being left out, and returns once fewer
    newer stories match."""
    old_headline = published_article(
        headline="Estuary ferry timetable cut",
        standfirst="",
        body="<p>Fewer crossings.</p>",
        at=timezone.now() - dt.timedelta(days=30),
    )
    newer = [
        published_article(
            headline=f"Council notes {n}",
            standfirst="",
            body="<p>The estuary ferry came up in passing.</p>",
            at=timezone.now() - dt.timedelta(days=n),
        )
        for n in (1, 2)
    ]
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    assert list(search_articles("estuary ferry")) == [old_headline, *newer]
    monkeypatch.setattr(search, "RANK_CANDIDATES", 2)
    assert list(search_articles("estuary ferry")) == newer


def test_equal_matches_come_newest_first():
    older = published_article(headline="Tide tables", at=timezone.now() - dt.timedelta(days=2))
    newer = published_article(headline="Tide tables", at=timezone.now() - dt.timedelta(days=1))
    assert list(search_articles("tide tables")) == [newer, older]


def test_it_finds_stories_by_tag_and_by_author_name():
    story = published_article(headline="A quiet week")
    author = AuthorFactory(name="Hana Brightwater")
    ArticleAuthor.objects.create(article=story, author=author)
    story.tags.add("lifeboats")

    assert list(search_articles("lifeboats")) == [story]
    assert list(search_articles("brightwater")) == [story]


def test_renaming_an_author_in_the_admin_reindexes_their_stories(editor_client):
    story = published_article(headline="A quiet week")
    author = AuthorFactory(name="Hana Brightwater", slug="hana")
    ArticleAuthor.objects.create(article=story, author=author)

    response = editor_client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": "Hana Stillwater", "slug": "hana", "bio": ""},
    )

    assert response.status_code == 302
    assert list(search_articles("stillwater")) == [story]
    assert list(search_articles("brightwater")) == []


def test_drafts_and_scheduled_stories_are_never_found():
    ArticleFactory(headline="Secret lighthouse plan")
    scheduled = ArticleFactory(headline="Lighthouse sale announced")
    scheduled.publish(by=None, at=timezone.now() + dt.timedelta(hours=3))
    assert list(search_articles("lighthouse")) == []
    later = timezone.now() + dt.timedelta(hours=4)
    assert list(search_articles("lighthouse", at=later)) == [scheduled]


def test_a_story_taken_off_the_site_is_no_longer_found(editor):
    story = published_article(headline="Lighthouse reopens")
    story.return_to_draft(by=editor)
    assert list(search_articles("lighthouse")) == []


def test_an_edit_is_found_at_once():
    story = published_article(headline="Old headline")
    story.headline = "Lifeboat crew rescues kayaker"
    story.save()
    assert list(search_articles("kayaker")) == [story]
    assert list(search_articles("old headline")) == []


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_raise(query):
    published_article(headline="Harbour wall repairs")
    results = search_articles(query)
    assert all(isinstance(story, Article) for story in results)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_get_a_friendly_page(client, query):
    published_article(headline="Harbour wall repairs")
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert b"<h1>Search</h1>" in response.content


def test_the_search_page_lists_results_with_bylines(client):
    story = published_article(headline="Harbour wall repairs")
    ArticleAuthor.objects.create(article=story, author=AuthorFactory(name="Maren Okafor"))
    response = client.get(reverse("search"), {"q": "harbour wall"})
    html = response.content.decode()
    assert "1 story matching" in html
    assert "Harbour wall repairs" in html
    assert "By Maren Okafor" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_wordless_query_says_what_went_wrong(client):
    response = client.get(reverse("search"), {"q": "*** ((("})
    assert "couldn’t find any words" in response.content.decode()


def test_an_empty_query_invites_a_search(client):
    response = client.get(reverse("search"))
    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()


def test_no_results_say_so(client):
    published_article(headline="Harbour wall repairs")
    response = client.get(reverse("search"), {"q": "volcano"})
    assert "No stories match “volcano”" in response.content.decode()


def test_a_very_long_query_is_cut_and_the_reader_told(client):
    response = client.get(reverse("search"), {"q": "harbour " * 2000})
    assert "first 500 characters" in response.content.decode()


def test_results_load_only_the_stories_a_page_shows(django_assert_num_queries):
    stories_with_everything(30)
    results = search_articles("harbour")
    assert len(results) == 30
    with django_assert_num_queries(3):  # stories, bylines, tags
        page = results[20:30]
    assert [story.pk for story in page] == results.ids[20:30]


def test_search_results_are_paginated_keeping_the_query(client):
    stories_with_everything(25)
    response = client.get(reverse("search"), {"q": "harbour"})
    html = response.content.decode()
    assert "25 stories matching" in html
    assert 'href="?q=harbour&amp;page=2"' in html
    second = client.get(reverse("search"), {"q": "harbour", "page": 2})
    assert second.context["page"].number == 2
    assert len(second.context["articles"]) == 5


# Budget for /search/: navigation sections, ranked ids, stories, bylines, tags, the outlet = 6.
SEARCH_QUERIES = 6


@pytest.mark.parametrize("count", [1, 50])
def test_the_search_page_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, count
):
    stories_with_everything(count)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("search"), {"q": "harbour"})
    assert len(response.context["articles"]) == min(count, 20)


def test_the_reindex_command_rebuilds_tags_and_bylines():
    from django.core.management import call_command
    from django.db import connection

    story = published_article(headline="A quiet week")
    story.tags.add("lifeboats")  # added after the last save, so not yet in the index
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM article_search")
    assert list(search_articles("quiet")) == []

    call_command("reindex_search", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(search_articles("lifeboats")) == [story]
