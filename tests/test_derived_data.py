"""Derived data follows every write: renaming a tag, an author or a section in the admin
changes what search finds at once, without anyone calling the index (articles/derived.py).
Runs on whichever database the suite uses, so CI proves it on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import ArticleAuthor
from articles.search import search_articles
from tests.factories import AuthorFactory, SectionFactory, published_article
from tests.test_provenance_admin import _field_data

pytestmark = pytest.mark.django_db


def post_change_form(client: Client, url: str, **changes: str) -> None:
    """Post the admin change form at `url` as the editor's browser would, with `changes`."""
    form = client.get(url).context["adminform"].form
    response = client.post(url, {**_field_data("", form), **changes})
    assert response.status_code == 302, response.content[:2000]


def found(words: str) -> list[str]:
    return [story.headline for story in search_articles(words)]


@pytest.fixture
def story():
    story = published_article(
        headline="Ferry timetable changes for winter",
        section=SectionFactory(name="Harbourside", slug="harbourside"),
    )
    story.tags.add("quayside")
    ArticleAuthor.objects.create(
        article=story, author=AuthorFactory(name="Idris Vantongeren", slug="idris")
    )
    return story


def test_the_story_is_found_by_its_tag_author_and_section(story) -> None:
    for words in ("quayside", "vantongeren", "harbourside"):
        assert found(words) == [story.headline], words


def test_renaming_a_tag_in_the_admin_finds_the_story_by_the_new_name_only(
    story, editor_client
) -> None:
    tag = Tag.objects.get(name="quayside")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])

    post_change_form(editor_client, url, name="waterfront", slug="waterfront")

    assert found("waterfront") == [story.headline]
    assert found("quayside") == []


def test_renaming_an_author_in_the_admin_finds_the_story_by_the_new_name_only(
    story, editor_client
) -> None:
    author = story.byline_set.get().author
    url = reverse("admin:articles_author_change", args=[author.pk])

    post_change_form(editor_client, url, name="Idris Kallenbach")

    assert found("kallenbach") == [story.headline]
    assert found("vantongeren") == []


def test_renaming_a_section_in_the_admin_finds_the_story_by_the_new_name_only(
    story, editor_client
) -> None:
    url = reverse("admin:articles_section_change", args=[story.section.pk])

    post_change_form(editor_client, url, name="Estuary")

    assert found("estuary") == [story.headline]
    assert found("harbourside") == []


def test_deleting_a_tag_drops_it_from_the_index(story, editor_client) -> None:
    Tag.objects.get(name="quayside").delete()

    assert found("quayside") == []
    assert found("ferry") == [story.headline]


def test_a_deleted_story_leaves_no_row_in_the_index(story) -> None:
    from django.db import connection

    from articles.search import TABLE

    story_id = story.pk
    story.delete()

    column = "rowid" if connection.vendor == "sqlite" else "article_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE {column} = %s", [story_id])  # noqa: S608
        assert cursor.fetchone() == (0,)
