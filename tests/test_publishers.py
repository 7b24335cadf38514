"""The publisher registry: links to a known domain cite its publisher, titled from the
editor's words; an unknown site is asked about once; readers see who publishes a source."""

from __future__ import annotations

import pytest

from articles.models import Publisher, PublisherDomain, Source
from articles.sources import title_from_address
from articles.sourcing import ProblemKind, sourcing_problems
from tests.factories import ArticleFactory, published_article

pytestmark = pytest.mark.django_db

TWO_LINKS = (
    '<p>The agency reported the withdrawal. <a href="https://www.meridian-news.example/wire/'
    'coalition-withdrawal-timetable">LINK</a></p>'
    '<p>An MP told the agency the cost was hidden. <a href="https://meridian-news.example/wire/'
    'mp-questions-cost?utm_source=x">LINK</a></p>'
)


@pytest.fixture
def meridian() -> Publisher:
    publisher = Publisher.objects.create(
        name="Meridian News Agency", kind="state_media", note="Owned by the state of Velmora."
    )
    PublisherDomain.objects.create(publisher=publisher, domain="https://Meridian-News.example/")
    return publisher


def test_a_domain_is_stored_bare() -> None:
    publisher = Publisher.objects.create(name="Ellery Council", kind="government")
    domain = PublisherDomain.objects.create(publisher=publisher, domain="https://www.X.example/a")
    assert domain.domain == "x.example"


def test_two_links_to_one_outlet_give_one_publisher_and_a_source_per_document(meridian):
    article = ArticleFactory(body=TWO_LINKS)
    sources = list(Source.objects.filter(article_links__article=article).order_by("pk"))
    assert [s.issued_by for s in sources] == [meridian, meridian]
    assert [s.title for s in sources] == ["Coalition withdrawal timetable", "Mp questions cost"]
    assert all(s.kind == Source.Kind.AGENCY for s in sources)
    assert all(s.publisher == "Meridian News Agency" for s in sources)
    assert not any("LINK" in s.title for s in sources)
    assert ProblemKind.UNKNOWN_PUBLISHER not in [p.kind for p in sourcing_problems(article)]


def test_a_source_titled_from_its_address_takes_the_editors_words_later(meridian):
    article = ArticleFactory(body=TWO_LINKS)
    article.body = TWO_LINKS.replace(
        ">LINK</a></p><p>An MP", ">the agency’s withdrawal report</a></p><p>An MP"
    )
    article.save()
    titles = set(Source.objects.values_list("title", flat=True))
    assert "the agency’s withdrawal report" in titles


def test_an_unknown_site_is_asked_about_once_and_registering_it_claims_its_sources() -> None:
    article = ArticleFactory(
        body=TWO_LINKS.replace("meridian-news.example", "shafaq-daily.example")
    )
    advice = [p for p in sourcing_problems(article) if p.kind == ProblemKind.UNKNOWN_PUBLISHER]
    assert len(advice) == 1  # www. and the bare host are one site
    assert "Who publishes" in str(advice[0])
    publisher = Publisher.objects.create(name="Shafaq Daily", kind="newspaper")
    PublisherDomain.objects.create(publisher=publisher, domain="shafaq-daily.example")
    assert set(Source.objects.values_list("issued_by", flat=True)) == {publisher.pk}
    assert set(Source.objects.values_list("kind", flat=True)) == {Source.Kind.REPORT}
    assert [p for p in sourcing_problems(article) if p.kind == "unknown_publisher"] == []


def test_readers_see_the_publisher_its_kind_and_its_note(client, meridian):
    article = published_article(body=TWO_LINKS.replace(">LINK<", ">the agency’s report<"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Meridian News Agency" in html
    assert "state media" in html
    assert "Owned by the state of Velmora." in html
    assert "LINK" not in html
    source = Source.objects.filter(issued_by=meridian).first()
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Meridian News Agency (state media). Owned by the state of Velmora." in page


def test_renaming_a_publisher_renames_it_beside_its_sources(meridian):
    ArticleFactory(body=TWO_LINKS)
    meridian.name = "Meridian Wire Service"
    meridian.save()
    assert set(Source.objects.values_list("publisher", flat=True)) == {"Meridian Wire Service"}


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://x.example/statements/withdrawal-timetable.html", "Withdrawal timetable"),
        ("https://x.example/news/2026/03/07/", "News"),
        ("https://x.example/", "Page on x.example"),
    ],
)
def test_a_title_from_the_address(url: str, title: str) -> None:
    assert title_from_address(url) == title


def test_the_sourcing_check_links_to_the_publisher_form_with_the_domain(editor_client):
    article = ArticleFactory(
        body='<p>As <a href="https://www.shafaq-daily.example/a">Shafaq Daily</a> said.</p>'
    )
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "/admin/articles/publisher/add/?domain=shafaq-daily.example" in page
    form = editor_client.get("/admin/articles/publisher/add/?domain=shafaq-daily.example")
    assert 'value="shafaq-daily.example"' in form.content.decode()


def test_writers_may_not_add_publishers(writer_client):
    response = writer_client.post(
        "/admin/articles/publisher/add/",
        {"name": "Anything", "kind": "other", "domains-TOTAL_FORMS": "0",
         "domains-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Publisher.objects.exists()


def test_the_migration_retitles_sources_named_after_a_stand_in() -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0008_retitle_placeholder_sources")
    stand_in = Source.objects.create(
        title="LINK", url="https://shafaq-daily.example/news/talks-resume-in-capital"
    )
    named = Source.objects.create(title="Council minutes", url="https://council.example/m")
    migration.retitle(apps, None)
    stand_in.refresh_from_db()
    named.refresh_from_db()
    assert stand_in.title == "Talks resume in capital"
    assert named.title == "Council minutes"


def test_a_title_an_editor_gave_is_never_replaced_by_link_words() -> None:
    source = Source.objects.create(
        title="Harbour wall condition survey",
        url="https://council.example/reports/harbour-wall-condition-survey",
    )
    ArticleFactory(
        body='<p>Engineers <a href="https://council.example/reports/harbour-wall-condition-'
        'survey">told members</a> so.</p>'
    )
    source.refresh_from_db()
    assert source.title == "Harbour wall condition survey"
