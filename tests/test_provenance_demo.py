"""The demo outlet shows the ledger: sourced stories that publish, a metric that disagrees."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Figure, Metric, Person, Quote, Source
from articles.sourcing import sourcing_problems
from newsroom.demo import content, pictures

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "demo-password-for-tests")
    # Small pictures: these tests are about the ledger, not the image pipeline.
    draw = pictures.draw_image
    monkeypatch.setattr(
        pictures, "draw_image", lambda slug, palette: draw(slug, palette, (160, 90))
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_story_meant_to_be_live_passes_the_sourcing_check(loaded) -> None:
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert published.count() == sum(1 for s in content.load().stories if s.status == "published")
    assert not published.exclude(sourcing_override_reason="").exists()
    for article in published:
        assert sourcing_problems(article) == []


def test_the_demo_draft_shows_what_the_check_finds(loaded) -> None:
    draft = Article.objects.get(slug="bus-route-review")
    assert [p.kind for p in sourcing_problems(draft)] == ["unsourced_figure"]


def test_loading_the_demo_twice_duplicates_nothing(loaded) -> None:
    counts = [m.objects.count() for m in (Article, Source, Figure, Person, Quote, Metric)]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.objects.count() for m in (Article, Source, Figure, Person, Quote, Metric)] == counts


def test_body_links_resolve_to_the_registry_despite_tracking_parameters(loaded) -> None:
    wall = Article.objects.get(slug="council-approves-harbour-wall-repairs")
    titles = {source.title for source in wall.sources.all()}
    assert "Minutes of the full council meeting: harbour wall repair" in titles
    assert "Interview with Cllr Priya Holloway" in titles
    assert not Source.objects.filter(title="voted 17 to 4").exists()


def test_the_seal_metric_spans_stories_and_shows_the_disagreement(loaded) -> None:
    metric = Metric.objects.get(slug="grey-seals-ellery-estuary")
    assert metric.figures.values("article").distinct().count() == 2
    html = Client().get(metric.get_absolute_url()).content.decode()
    assert "Our stories disagree" in html
    assert "209" in html and "212" in html
