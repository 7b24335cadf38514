"""The source registry: URL normalisation and keeping a story's sources in step with its links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.links import external_links, links_in, normalize_url
from articles.models import Article, ArticleSource, Source
from articles.sources import sync_sources
from tests.factories import ArticleFactory, SourceFactory

# --- normalize_url --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://Example.ORG/report", "https://example.org/report"),
        ("HTTPS://example.org/report", "https://example.org/report"),
        ("http://example.org/report", "https://example.org/report"),
        ("https://example.org/report/", "https://example.org/report"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/report?utm_source=x&utm_medium=y", "https://example.org/report"),
        ("https://example.org/report?UTM_Campaign=spring", "https://example.org/report"),
        ("https://example.org/r?fbclid=abc&id=4", "https://example.org/r?id=4"),
        ("https://example.org/r?gclid=1&mc_cid=2&mc_eid=3", "https://example.org/r"),
        ("https://example.org/r?b=2&a=1", "https://example.org/r?a=1&b=2"),
        ("https://example.org/report#section-2", "https://example.org/report"),
        ("https://example.org:443/report", "https://example.org/report"),
        ("http://example.org:80/report", "https://example.org/report"),
        ("https://reader:secret@example.org/report", "https://example.org/report"),
        ("  https://example.org/report  ", "https://example.org/report"),
        ("https://example.org./report", "https://example.org/report"),
        ("https://bücher.example/list", "https://xn--bcher-kva.example/list"),
    ],
)
def test_addresses_of_the_same_document_normalise_alike(first: str, second: str) -> None:
    assert normalize_url(first) == normalize_url(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://example.org/Report", "https://example.org/report"),
        ("https://example.org/r?id=4", "https://example.org/r?id=5"),
        ("https://example.org:8443/report", "https://example.org/report"),
        ("https://www.example.org/report", "https://example.org/report"),
        ("https://example.org/a/b", "https://example.org/a"),
    ],
)
def test_addresses_of_different_documents_stay_apart(first: str, second: str) -> None:
    assert normalize_url(first) != normalize_url(second)


@pytest.mark.parametrize(
    "url", ["mailto:desk@example.org", "/2024/05/story/", "#notes", "ftp://example.org/f", ""]
)
def test_anything_but_a_web_address_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="Not a web address"):
        normalize_url(url)


def test_links_in_reads_href_and_text_even_without_an_address() -> None:
    html = '<p>See <a href="https://x.example/a">the <b>report</b></a> and <a>LINK</a></p>'
    assert [(link.href, link.text) for link in links_in(html)] == [
        ("https://x.example/a", "the report"),
        (None, "LINK"),
    ]


def test_external_links_skip_mail_relative_and_own_site_links(settings) -> None:
    settings.SITE_URL = "https://harbour-gazette.example"
    html = (
        '<a href="mailto:a@b.example">mail</a><a href="/2024/05/x/">ours</a>'
        '<a href="https://harbour-gazette.example/2024/05/y/">ours too</a>'
        '<a href="https://council.example/minutes?utm_source=nl">minutes</a>'
        '<a href="https://COUNCIL.example/minutes/">again</a>'
    )
    links = external_links(html)
    assert list(links) == ["https://council.example/minutes"]
    assert links["https://council.example/minutes"].text == "minutes"


# --- The registry ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_two_sources_cannot_share_an_address_in_any_spelling() -> None:
    SourceFactory(url="https://council.example/minutes")
    duplicate = Source(title="Minutes again", url="HTTP://council.example/minutes/?utm_source=x")
    with pytest.raises(ValidationError, match="already in the registry"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_many_sources_may_have_no_address() -> None:
    SourceFactory(url="", title="Interview with the harbour master")
    SourceFactory(url="", title="Briefing by the coastguard")
    assert Source.objects.filter(normalized_url="").count() == 2


def test_changing_a_sources_address_updates_its_match_key() -> None:
    source = SourceFactory(url="https://council.example/old")
    source.url = "https://council.example/new/"
    source.save(update_fields=["url"])
    source.refresh_from_db()
    assert source.normalized_url == "https://council.example/new"


# --- sync_sources ---------------------------------------------------------------------------------


def _body(*urls: str) -> str:
    return "".join(f'<p>See <a href="{url}">document {n}</a>.</p>' for n, url in enumerate(urls))


def test_a_new_link_creates_a_source_titled_with_the_link_text() -> None:
    article = ArticleFactory(body=_body("https://trust.example/seal-survey"))
    (source,) = article.sources.all()
    assert article.source_sync.created == [source]
    assert source.title == "document 0"
    assert source.publisher == "trust.example"
    assert source.url == "https://trust.example/seal-survey"
    assert source.accessed_on is not None
    assert article.source_links.get().origin == ArticleSource.Origin.BODY


def test_a_link_to_a_known_source_reuses_it_whatever_the_spelling() -> None:
    known = SourceFactory(url="https://trust.example/seal-survey")
    article = ArticleFactory(body=_body("HTTPS://Trust.example/seal-survey/?utm_medium=email"))
    assert list(article.sources.all()) == [known]
    assert article.source_sync.created == []
    assert Source.objects.count() == 1


def test_a_removed_link_removes_its_source_from_the_story_but_not_the_registry() -> None:
    article = ArticleFactory(body=_body("https://a.example/1", "https://b.example/2"))
    article.body = _body("https://b.example/2")
    article.save()
    assert [s.url for s in article.sources.all()] == ["https://b.example/2"]
    assert [s.url for s in article.source_sync.removed] == ["https://a.example/1"]
    assert Source.objects.filter(url="https://a.example/1").exists()


def test_a_save_through_the_orm_keeps_the_sources_without_any_call() -> None:
    # No call to sync_sources anywhere: the shell, a script or an importer saving a story
    # gets its sources kept by the same receiver as the admin.
    article = ArticleFactory(body="<p>Nothing linked yet.</p>")
    assert list(article.sources.all()) == []
    fresh = Article.objects.get(pk=article.pk)
    fresh.body = _body("https://c.example/3")
    fresh.save()
    assert [s.url for s in article.sources.all()] == ["https://c.example/3"]


def test_sources_added_by_hand_stay_when_the_body_changes() -> None:
    interview = SourceFactory(url="", title="Interview with the harbour master")
    article = ArticleFactory(body=_body("https://a.example/1"))
    ArticleSource.objects.create(article=article, source=interview)
    article.body = "<p>No links now.</p>"
    article.save()
    assert list(article.sources.all()) == [interview]


def test_a_hand_added_source_that_is_also_linked_stays_hand_added() -> None:
    report = SourceFactory(url="https://a.example/1")
    article = ArticleFactory(body="<p>Not linked yet.</p>")
    ArticleSource.objects.create(article=article, source=report)
    article.body = _body("https://a.example/1")
    article.save()
    article.body = ""
    article.save()
    assert list(article.sources.all()) == [report]
    assert article.source_links.get().origin == ArticleSource.Origin.HAND


def test_syncing_twice_changes_nothing() -> None:
    article = ArticleFactory(body=_body("https://a.example/1", "https://a.example/1#again"))
    result = sync_sources(article)
    assert result.added == result.removed == result.created == []
    assert article.source_links.count() == 1


def test_editors_saving_in_the_admin_sync_the_links(editor_client) -> None:
    from tests.test_provenance_admin import change_form_data

    article = ArticleFactory()
    data = change_form_data(
        editor_client, article, body=_body("https://port-ellery-council.example/minutes")
    )
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert [s.url for s in article.sources.all()] == ["https://port-ellery-council.example/minutes"]


def test_a_source_linked_in_the_body_and_added_by_hand_in_one_save_is_kept_by_hand(
    editor_client,
) -> None:
    from tests.test_provenance_admin import add_rows, change_form_data

    report = SourceFactory(url="https://port-ellery-council.example/minutes")
    article = ArticleFactory()
    data = change_form_data(
        editor_client, article, body=_body("https://port-ellery-council.example/minutes")
    )
    add_rows(data, "source_links", [{"source": report.pk}])

    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)

    assert response.status_code == 302, response.content[:2000]
    link = article.source_links.get()
    assert (link.source, link.origin) == (report, ArticleSource.Origin.HAND)
