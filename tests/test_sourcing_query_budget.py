"""What the sourcing check costs in queries on a long story: 50 figures and 20 quotes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Prefetch

from articles.models import Article, Figure, Quote
from articles.sourcing import blocking_problems, sourcing_problems
from tests.factories import ArticleFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

SPEAKERS = ["Halvard Sten", "Dalia Roussel", "Tomas Brandt", "Ines Marlow"]


@pytest.fixture
def long_story() -> Article:
    paragraphs, figures, quotes = [], [], []
    for n in range(50):
        paragraphs.append(f"<p>The depot at berth {chr(65 + n % 26)} handled {n + 101} crates.</p>")
        figures.append((f"{n + 101}", Decimal(n + 101), "crates"))
    for n in range(20):
        speaker = SPEAKERS[n % 4]
        words = f"We counted every crate on quay {chr(65 + n)} and none were lost"
        paragraphs.append(f"<p>“{words},” said {speaker}, a harbour official.</p>")
        quotes.append((speaker, words))
    article = ArticleFactory(body="".join(paragraphs))
    source = SourceFactory()
    Figure.objects.bulk_create(
        Figure(article=article, text=t, value=v, unit=u, source=source) for t, v, u in figures
    )
    people = {name: PersonFactory(name=name) for name in SPEAKERS}
    Quote.objects.bulk_create(
        Quote(article=article, person=people[who], text=words, source=source)
        for who, words in quotes
    )
    return Article.objects.get(pk=article.pk)


def test_the_check_on_a_long_story_costs_three_queries(long_story, django_assert_num_queries):
    with django_assert_num_queries(3):  # figures, quotes with their people, linked sources
        problems = sourcing_problems(long_story)
    assert [str(p) for p in problems] == []


def test_the_blocking_check_costs_two(long_story, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert blocking_problems(long_story) == []


def test_prefetched_the_check_costs_nothing(long_story, django_assert_num_queries):
    story = Article.objects.prefetch_related(
        "figures",
        Prefetch("quotes", Quote.objects.select_related("person")),
        "source_links__source",
    ).get(pk=long_story.pk)
    with django_assert_num_queries(0):
        assert sourcing_problems(story) == []


def test_an_unrecorded_number_and_quote_in_the_long_story_are_found(long_story):
    long_story.body += "<p>“Nobody told us the crates were coming,” said Ines Marlow.</p>"
    long_story.body += "<p>The depot now stores 4,000 crates.</p>"
    kinds = sorted(p.kind for p in sourcing_problems(long_story))
    assert kinds == ["unrecorded_figure", "unrecorded_quote"]
