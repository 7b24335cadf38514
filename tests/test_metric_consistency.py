"""Figures of one metric that disagree across stories: the editor is shown them in the
sourcing check, and readers see the dispute on the metric's page once both are published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from articles import consistency
from tests.factories import ArticleFactory, FigureFactory, MetricFactory, published_article

pytestmark = pytest.mark.django_db

MARCH_7 = timezone.make_aware(dt.datetime(2026, 3, 7, 9, 0))


@pytest.fixture
def troops():
    return MetricFactory(name="Coalition troops in the north", slug="coalition-troops", unit="")


def earlier_story(troops):
    story = published_article(at=MARCH_7, headline="Coalition numbers fall in the north")
    FigureFactory(
        article=story, text="about 2,500", value=Decimal(2500), as_of=dt.date(2026, 3, 6),
        metric=troops,
    )  # fmt: skip
    return story


def test_the_editor_sees_an_earlier_story_that_disagrees_with_links(troops, editor_client):
    earlier = earlier_story(troops)
    draft = ArticleFactory(body="<p>Fewer than 3,000 troops remain.</p>")
    FigureFactory(
        article=draft, text="3,000", value=Decimal(3000), as_of=dt.date(2026, 3, 4),
        metric=troops,
    )  # fmt: skip
    page = editor_client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert (
        "Our story “Coalition numbers fall in the north” of 7 March 2026 said about 2,500 as "
        "of 6 March 2026; this says 3,000 as of 4 March 2026" in page
    )
    assert earlier.get_absolute_url() in page
    assert f"/admin/articles/article/{earlier.pk}/change/" in page


def test_figures_weeks_apart_are_the_metric_changing_not_a_dispute(troops):
    earlier_story(troops)
    draft = ArticleFactory()
    figure = FigureFactory(
        article=draft, text="1,800", value=Decimal(1800), as_of=dt.date(2026, 4, 20),
        metric=troops,
    )  # fmt: skip
    assert consistency.disagreements(draft, [figure]) == []


def test_an_unpublished_story_is_not_held_against_another(troops):
    draft_a = ArticleFactory()
    FigureFactory(
        article=draft_a, text="2,500", value=2500, as_of=dt.date(2026, 3, 6), metric=troops
    )
    draft_b = ArticleFactory()
    figure = FigureFactory(
        article=draft_b, text="3,000", value=3000, as_of=dt.date(2026, 3, 5), metric=troops
    )
    assert consistency.disagreements(draft_b, [figure]) == []


def test_readers_see_the_dispute_once_both_stories_are_published(troops):
    earlier_story(troops)
    later = published_article(at=MARCH_7 + dt.timedelta(days=1), headline="Troops stay put")
    FigureFactory(
        article=later, text="fewer than 3,000", value=Decimal(3000), as_of=dt.date(2026, 3, 4),
        metric=troops,
    )  # fmt: skip
    html = Client().get(troops.get_absolute_url()).content.decode()
    assert "Our stories disagree" in html
    assert "fewer than 3,000 as of 4 March" in html and "about 2,500 as of 6 March" in html
    assert "Coalition numbers fall in the north" in html and "Troops stay put" in html


def test_readers_see_no_dispute_while_one_story_is_a_draft(troops):
    earlier_story(troops)
    draft = ArticleFactory()
    FigureFactory(article=draft, text="3,000", value=3000, as_of=dt.date(2026, 3, 4), metric=troops)
    html = Client().get(troops.get_absolute_url()).content.decode()
    assert "Our stories disagree" not in html
