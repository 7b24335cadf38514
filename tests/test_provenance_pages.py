"""Reader pages for the ledger: the story's section, people, sources, metrics, JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.charts import Datum, line_chart
from articles.structured_data import json_ld_script, news_article_json_ld
from tests.factories import (
    ArticleFactory,
    FigureFactory,
    MetricFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
    published_article,
)

pytestmark = pytest.mark.django_db


def queries_for(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def sourced_story(figures: int, quotes: int, hand_sources: int = 1, **kwargs: object):
    from articles.models import ArticleSource

    article = published_article(**kwargs)
    metric = MetricFactory()
    for _ in range(figures):
        FigureFactory(article=article, metric=metric)
    for _ in range(quotes):
        QuoteFactory(article=article)
    for _ in range(hand_sources):
        ArticleSource.objects.create(article=article, source=SourceFactory())
    return article


# --- The story's "Sources and figures" section ----------------------------------------------------


def test_the_story_shows_sources_figures_and_quotes() -> None:
    article = ArticleFactory(body="<p>The harbour has 42 boats.</p>")
    source = SourceFactory(title="Harbour board annual report", publisher="Harbour Board")
    FigureFactory(
        article=article,
        source=source,
        counts="Boats moored in the harbour",
        as_of=dt.date(2024, 3, 31),
    )
    QuoteFactory(article=article, person__name="Colm Redfern", role="auctioneer")
    article.publish(by=None)
    html = Client().get(article.get_absolute_url()).content.decode()
    section = html[html.index('id="provenance-heading"') :]
    assert "Sources and figures" in section
    assert "Harbour board annual report</a>, Harbour Board" in section
    assert "Boats moored in the harbour, as of 31 March 2024" in section
    assert "Colm Redfern</a>, auctioneer" in section
    assert html.index("story__body") < html.index("provenance-heading")


def test_a_story_without_a_ledger_has_no_empty_section() -> None:
    article = published_article()
    assert "Sources and figures" not in Client().get(article.get_absolute_url()).content.decode()


def test_the_story_page_costs_the_same_queries_for_one_or_many_items() -> None:
    small = sourced_story(figures=1, quotes=1, hand_sources=1)
    large = sourced_story(figures=8, quotes=6, hand_sources=5)
    few, _ = queries_for(Client(), small.get_absolute_url())
    many, html = queries_for(Client(), large.get_absolute_url())
    assert few == many
    assert html.count("<strong>42</strong>") == 8


def test_the_story_json_ld_lists_its_sources_as_citations() -> None:
    article = published_article(headline="Wall repair </script><script>alert(1)</script>")
    FigureFactory(
        article=article,
        source=SourceFactory(
            title="Council minutes", publisher="Port Ellery Council", url="https://c.example/m"
        ),
    )
    html = Client().get(article.get_absolute_url()).content.decode()
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Council minutes",
            "url": "https://c.example/m",
            "publisher": {"@type": "Organization", "name": "Port Ellery Council"},
        }
    ]
    assert "</script><script>alert" not in raw


def test_news_article_json_ld_is_a_dict_others_can_extend() -> None:
    article = published_article()
    data = news_article_json_ld(article)
    assert {"@context", "@type", "headline", "citation"} <= data.keys()
    data["datePublished"] = article.published_at
    assert '"datePublished"' in json_ld_script(data)


# --- /people/<slug>/ ------------------------------------------------------------------------------


def test_a_person_page_lists_quotes_newest_first_with_their_stories() -> None:
    person = PersonFactory(name="Hana Brightwater", description="Survey lead, Estuary Trust")
    old = published_article(at=timezone.now() - dt.timedelta(days=30), headline="Old count")
    new = published_article(at=timezone.now() - dt.timedelta(days=1), headline="New count")
    QuoteFactory(article=old, person=person, text="Calmer water helps.")
    QuoteFactory(article=new, person=person, text="One year proves little.", role="survey lead")
    html = Client().get(person.get_absolute_url()).content.decode()
    assert html.index("One year proves little.") < html.index("Calmer water helps.")
    assert "As survey lead, in" in html
    assert new.get_absolute_url() in html


def test_a_person_page_never_lists_unpublished_or_scheduled_stories() -> None:
    person = PersonFactory()
    live = published_article(headline="Live story")
    QuoteFactory(article=live, person=person)
    QuoteFactory(article=ArticleFactory(headline="Draft story"), person=person)
    scheduled = ArticleFactory(headline="Scheduled story")
    scheduled.publish(by=None, at=timezone.now() + dt.timedelta(days=1))
    QuoteFactory(article=scheduled, person=person)
    html = Client().get(person.get_absolute_url()).content.decode()
    assert "Live story" in html
    assert "Draft story" not in html
    assert "Scheduled story" not in html


def test_a_long_person_page_is_split_into_pages() -> None:
    person = PersonFactory()
    for n in range(23):
        QuoteFactory(article=published_article(), person=person, text=f"Remark number {n}.")
    first = Client().get(person.get_absolute_url()).content.decode()
    second = Client().get(person.get_absolute_url(), {"page": 2}).content.decode()
    assert first.count("<blockquote>") == 20
    assert second.count("<blockquote>") == 3
    assert "Remark number 0." in second  # the oldest quote comes last


def test_someone_quoted_only_in_drafts_has_no_page() -> None:
    quote = QuoteFactory(article=ArticleFactory())
    assert Client().get(quote.person.get_absolute_url()).status_code == 404


def test_the_person_page_costs_the_same_queries_for_one_or_many_quotes() -> None:
    one, many = PersonFactory(), PersonFactory()
    QuoteFactory(article=published_article(), person=one)
    for _ in range(7):
        QuoteFactory(article=published_article(), person=many)
    assert (
        queries_for(Client(), one.get_absolute_url())[0]
        == (queries_for(Client(), many.get_absolute_url())[0])
    )


# --- /sources/<id>/ -------------------------------------------------------------------------------


def test_a_source_page_lists_the_stories_citing_it_in_any_way() -> None:
    from articles.models import ArticleSource

    source = SourceFactory(title="Seal survey", publisher="Ellery Estuary Trust")
    by_link = published_article(headline="Linked it")
    ArticleSource.objects.create(article=by_link, source=source)
    by_figure = published_article(headline="Used a figure")
    FigureFactory(article=by_figure, source=source, counts="Grey seals")
    by_quote = published_article(headline="Quoted from it")
    QuoteFactory(article=by_quote, source=source)
    ArticleSource.objects.create(article=ArticleFactory(headline="A draft"), source=source)
    html = Client().get(source.get_absolute_url()).content.decode()
    for headline in ["Linked it", "Used a figure", "Quoted from it"]:
        assert html.count(headline) >= 1
    assert "A draft" not in html
    assert "Grey seals" in html


def test_a_source_cited_only_by_drafts_has_no_page() -> None:
    figure = FigureFactory(article=ArticleFactory())
    assert Client().get(figure.source.get_absolute_url()).status_code == 404


def test_the_source_page_costs_the_same_queries_for_one_or_many_stories() -> None:
    one, many = SourceFactory(), SourceFactory()
    FigureFactory(article=published_article(), source=one)
    for _ in range(6):
        FigureFactory(article=published_article(), source=many)
    assert (
        queries_for(Client(), one.get_absolute_url())[0]
        == (queries_for(Client(), many.get_absolute_url())[0])
    )


# --- /metrics/<slug>/ -----------------------------------------------------------------------------


def test_a_metric_page_charts_figures_over_time_with_links_to_stories() -> None:
    metric = MetricFactory(name="Grey seals counted")
    for days, value in [(400, 187), (30, 212)]:
        story = published_article(at=timezone.now() - dt.timedelta(days=days))
        FigureFactory(article=story, metric=metric, text=str(value), value=Decimal(value))
    html = Client().get(metric.get_absolute_url()).content.decode()
    assert "<svg" in html and "<polyline" in html
    assert html.count("<circle") == 2 * 2  # drawn wide, and narrow for phones
    assert "disagree" not in html


def test_a_metric_page_says_when_stories_disagree_on_the_same_date() -> None:
    metric = MetricFactory()
    survey_day = dt.date(2024, 10, 5)
    first = published_article(headline="Trust counts 212")
    second = published_article(headline="Council counts 209")
    FigureFactory(article=first, metric=metric, text="212", value=212, as_of=survey_day)
    FigureFactory(article=second, metric=metric, text="209", value=209, as_of=survey_day)
    html = Client().get(metric.get_absolute_url()).content.decode()
    assert "Our stories disagree" in html
    assert "Around 5 October 2024 our stories give different values" in html
    assert "Trust counts 212" in html and "Council counts 209" in html
    assert html.count('fill="#c0392b"') == 2 * 2  # in both drawings


def test_a_metric_page_never_charts_unpublished_stories() -> None:
    metric = MetricFactory()
    FigureFactory(article=published_article(headline="Live"), metric=metric)
    FigureFactory(article=ArticleFactory(headline="Draft figures"), metric=metric)
    html = Client().get(metric.get_absolute_url()).content.decode()
    assert html.count("<circle") == 1 * 2  # drawn wide, and narrow for phones
    assert "Draft figures" not in html


def test_the_metric_page_costs_the_same_queries_for_one_or_many_figures() -> None:
    one, many = MetricFactory(), MetricFactory()
    FigureFactory(article=published_article(), metric=one)
    for _ in range(9):
        FigureFactory(article=published_article(), metric=many)
    assert (
        queries_for(Client(), one.get_absolute_url())[0]
        == (queries_for(Client(), many.get_absolute_url())[0])
    )


@pytest.mark.parametrize("url", ["/people/nobody/", "/sources/999999/", "/metrics/nothing/"])
def test_unknown_records_are_not_found(url: str) -> None:
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("role", ["writer_client", "editor_client", "moderator_client"])
def test_staff_see_the_same_public_pages_as_readers(role: str, request) -> None:
    quote = QuoteFactory(article=ArticleFactory(headline="Not yet live"))
    client = request.getfixturevalue(role)
    assert client.get(quote.person.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("url_of", [lambda f: f.source, lambda f: f.metric])
def test_the_pages_refuse_other_methods(url_of) -> None:
    figure = FigureFactory(article=published_article(), metric=MetricFactory())
    response = Client().post(url_of(figure).get_absolute_url())
    assert response.status_code == 405


# --- The chart arithmetic -------------------------------------------------------------------------


def test_the_chart_places_points_left_to_right_and_low_to_high() -> None:
    chart = line_chart(
        [
            Datum(dt.date(2024, 1, 1), Decimal(100), "a", "/a/"),
            Datum(dt.date(2024, 7, 1), Decimal(50), "b", "/b/"),
            Datum(dt.date(2025, 1, 1), Decimal(200), "c", "/c/"),
        ]
    )
    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.left and xs[-1] == chart.right
    assert ys[2] == chart.top  # the highest value at the top
    assert ys[1] > ys[0] > ys[2]
    assert chart.y_ticks[0].label == "0"


def test_a_chart_of_one_point_centres_it() -> None:
    chart = line_chart([Datum(dt.date(2024, 1, 1), Decimal(7), "a", "/a/")])
    (point,) = chart.points
    assert point.x == (chart.left + chart.right) / 2
