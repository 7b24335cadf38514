"""Shared previews: an editor makes a signed, expiring, revocable address for an unpublished
story; anyone holding it reads the story through the reader template, never cached or
indexed; revoking, expiry or publishing ends it with a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink, PreviewLinkUse
from tests.factories import ArticleFactory, published_article

pytestmark = pytest.mark.django_db


def share_url(article: Article) -> str:
    return reverse("admin:articles_article_share_preview", args=[article.pk])


@pytest.fixture
def draft(writer):
    return ArticleFactory(
        headline="Harbour board weighs sale of the old pilot house",
        body="<p>The board met in private on Tuesday to discuss three offers.</p>",
        created_by=writer,
    )


def make_link(client: Client, article: Article, **data: object) -> PreviewLink:
    response = client.post(share_url(article), {"hours": 48, "note": "", **data})
    assert response.status_code == 302
    return article.preview_links.get()


def test_an_editor_makes_a_link_that_works_for_48_hours_by_default(editor_client, editor, draft):
    page = editor_client.get(share_url(draft))
    assert page.status_code == 200
    assert 'value="48" selected' in page.content.decode()

    before = timezone.now()
    link = make_link(editor_client, draft, note="The board's solicitor")

    assert link.created_by == editor
    assert link.note == "The board's solicitor"
    lifetime = link.expires_at - before
    assert dt.timedelta(hours=47, minutes=59) < lifetime <= dt.timedelta(hours=48, seconds=5)
    listing = editor_client.get(share_url(draft)).content.decode()
    assert link.get_absolute_url() in listing
    assert "The board&#x27;s solicitor" in listing
    assert "Not yet" in listing


def test_someone_without_an_account_reads_the_preview_with_its_banner(editor_client, draft):
    link = make_link(editor_client, draft)

    response = Client().get(link.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour board weighs sale of the old pilot house" in html
    assert "three offers" in html
    assert "Preview — not published." in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    control = response["Cache-Control"]
    assert "no-store" in control and "private" in control
    assert "public" not in control
    # No account, no form to comment on a story that is not out.
    assert 'name="body"' not in html


def test_the_preview_is_never_served_from_the_page_cache(editor_client, draft):
    link = make_link(editor_client, draft)
    reader = Client()

    first = reader.get(link.get_absolute_url())
    second = reader.get(link.get_absolute_url())

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert PreviewLinkUse.objects.filter(link=link).count() == 2


def test_each_opening_is_logged_with_its_time_and_nothing_else(editor_client, draft):
    link = make_link(editor_client, draft)
    Client().get(link.get_absolute_url(), HTTP_USER_AGENT="Solicitor's laptop")

    (use,) = PreviewLinkUse.objects.all()
    assert use.link == link
    assert abs(use.opened_at - timezone.now()) < dt.timedelta(minutes=1)
    assert {f.name for f in PreviewLinkUse._meta.get_fields()} == {"id", "link", "opened_at"}
    listing = editor_client.get(share_url(draft)).content.decode()
    assert "1 time, last" in listing


def test_a_revoked_link_is_not_found(editor_client, editor, draft):
    link = make_link(editor_client, draft)

    response = editor_client.post(share_url(draft), {"revoke": link.pk})

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    assert Client().get(link.get_absolute_url()).status_code == 404


def test_an_expired_link_is_not_found(editor_client, draft):
    link = make_link(editor_client, draft)
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert Client().get(link.get_absolute_url()).status_code == 404
    assert "Expired" in editor_client.get(share_url(draft)).content.decode()


def test_an_altered_or_unsigned_address_is_not_found(editor_client, draft):
    link = make_link(editor_client, draft)
    token = link.token()
    unsigned = reverse("articles:shared_preview", args=[link.key])
    altered = reverse(
        "articles:shared_preview", args=[token[:-1] + ("A" if token[-1] != "A" else "B")]
    )
    assert Client().get(unsigned).status_code == 404
    assert Client().get(altered).status_code == 404
    assert not PreviewLinkUse.objects.exists()


def test_publishing_ends_every_link_for_good(editor_client, editor, draft):
    link = make_link(editor_client, draft)
    draft.publish(by=editor, override_reason="Checked with the board.")

    assert Client().get(link.get_absolute_url()).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is not None

    draft.return_to_draft(by=editor)
    assert Client().get(link.get_absolute_url()).status_code == 404


def test_a_published_story_gets_no_new_link(editor_client):
    story = published_article(headline="Pilot house sold")

    response = editor_client.post(share_url(story), {"hours": 48})

    assert response.status_code == 302
    assert not PreviewLink.objects.exists()
    page = editor_client.get(share_url(story)).content.decode()
    assert "its own address replaces every preview link" in page


def test_writers_and_moderators_may_not_share(writer_client, moderator_client, draft):
    for client in (writer_client, moderator_client):
        assert client.get(share_url(draft)).status_code == 403
        assert client.post(share_url(draft), {"hours": 48}).status_code == 403
    assert not PreviewLink.objects.exists()


def test_a_writer_cannot_revoke_an_editors_link(editor_client, writer_client, draft):
    link = make_link(editor_client, draft)
    assert writer_client.post(share_url(draft), {"revoke": link.pk}).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_story_form_offers_sharing_to_editors_only(editor_client, writer_client, draft):
    change = reverse("admin:articles_article_change", args=[draft.pk])
    assert share_url(draft) in editor_client.get(change).content.decode()
    assert share_url(draft) not in writer_client.get(change).content.decode()


def test_the_lifetime_cannot_be_stretched_past_two_weeks(editor_client, draft):
    response = editor_client.post(share_url(draft), {"hours": 10_000})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_shared_previews_are_in_no_sitemap_or_feed(editor_client, draft):
    link = make_link(editor_client, draft)
    reader = Client()
    for path in ("/sitemap.xml", "/news-sitemap.xml", "/feed/", "/robots.txt"):
        body = reader.get(path).content.decode()
        assert link.token() not in body
        assert draft.headline not in body
    assert "Disallow: /preview/" in reader.get("/robots.txt").content.decode()


def test_the_share_page_answers_other_methods_with_405(editor_client, draft):
    assert editor_client.put(share_url(draft)).status_code == 405
