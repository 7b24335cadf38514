"""Listings fetch every story's tags in one query (articles.models.attach_tags), and what they
hold is what taggit would have given."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import published_article

pytestmark = pytest.mark.django_db


def test_a_listing_asks_for_all_its_stories_tags_at_once():
    for n in range(6):
        story = published_article(headline=f"Harbour story {n}")
        story.tags.add(f"topic {n}", "harbour")
    with CaptureQueriesContext(connection) as queries:
        stories = list(Article.objects.published().with_bylines().newest_first())
        names = {story.headline: sorted(t.name for t in story.tags.all()) for story in stories}
    # The stories (with section and picture), their bylines, their tags.
    assert len(queries) == 3
    assert names["Harbour story 4"] == ["harbour", "topic 4"]
    assert all(len(tags) == 2 for tags in names.values())


def test_attached_tags_answer_further_questions_as_taggit_does():
    story = published_article(headline="Ferry fares")
    story.tags.add("ferries", "fares")
    other = published_article(headline="Bus fares")
    other.tags.add("buses")
    fetched = Article.objects.published().with_bylines().get(pk=story.pk)

    assert sorted(fetched.tags.names()) == ["fares", "ferries"]
    assert [t.name for t in fetched.tags.all().filter(name="fares")] == ["fares"]
    assert fetched.tags.all().count() == 2
    assert not fetched.tags.all().filter(name="buses").exists()
    assert [t.name for t in fetched.tags.all().order_by("name")] == ["fares", "ferries"]
