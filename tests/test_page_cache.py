"""The anonymous page cache: hits cost nothing, every visible change invalidates, personal
pages are never stored, and conditional requests get 304."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.fingerprint import code_fingerprint
from articles.models import Article
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    CorrectionFactory,
    published_article,
)

pytestmark = pytest.mark.django_db


def fetch(client: Client, url: str, **headers: str):
    return client.get(url, headers=headers)


def test_a_cache_hit_runs_no_query(client, django_assert_num_queries):
    article = published_article(headline="Cached harbour story")
    url = article.get_absolute_url()
    first = fetch(client, url)
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = fetch(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Cached harbour story" in second.content.decode()


def test_a_hit_replays_the_security_headers_and_sets_no_cookie(client):
    url = published_article().get_absolute_url()
    first = fetch(client, url)
    second = fetch(client, url)
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header]
    assert not second.cookies
    # Browsers ask again every time (a 304 while nothing changed); nginx keeps it 60 s.
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=60"


def test_publishing_a_story_updates_the_front_page(client, editor):
    fetch(client, "/")
    article = ArticleFactory(headline="Breaking: the ferry is back")
    assert "Breaking: the ferry is back" not in fetch(client, "/").content.decode()
    article.publish(by=editor)
    assert "Breaking: the ferry is back" in fetch(client, "/").content.decode()


def test_editing_a_story_updates_its_page(client):
    article = published_article(headline="First headline")
    url = article.get_absolute_url()
    fetch(client, url)
    article.headline = "Corrected headline"
    article.save()
    assert "Corrected headline" in fetch(client, url).content.decode()


def test_unpublishing_a_story_removes_it(client, editor):
    article = published_article()
    url = article.get_absolute_url()
    assert fetch(client, url).status_code == 200
    article.return_to_draft(by=editor)
    assert fetch(client, url).status_code == 404


def test_a_correction_appears_at_once(client):
    article = published_article()
    url = article.get_absolute_url()
    fetch(client, url)
    CorrectionFactory(article=article, text="The quay is 38 metres long, not 83.")
    assert "38 metres long, not 83" in fetch(client, url).content.decode()


def test_approving_and_rejecting_comments_update_the_story(client, moderator):
    article = published_article()
    url = article.get_absolute_url()
    held = CommentFactory(article=article, status="pending", body="A held remark on ferries.")
    fetch(client, url)

    held.approve(by=moderator)
    assert "A held remark on ferries." in fetch(client, url).content.decode()
    held.reject(by=moderator, reason="Off topic")
    assert "A held remark on ferries." not in fetch(client, url).content.decode()


def test_a_new_held_comment_does_not_empty_the_cache(client):
    article = published_article()
    url = article.get_absolute_url()
    fetch(client, url)
    CommentFactory(article=article, status="pending")
    assert fetch(client, url)["X-Page-Cache"] == "hit"


def test_a_scheduled_story_appears_when_its_time_comes(client, editor, monkeypatch):
    article = ArticleFactory(headline="Embargoed until noon")
    article.publish(by=editor, at=timezone.now() + dt.timedelta(hours=1))
    assert "Embargoed until noon" not in fetch(client, "/").content.decode()
    assert fetch(client, "/")["X-Page-Cache"] == "hit"

    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = fetch(client, "/")
    assert page["X-Page-Cache"] == "miss"
    assert "Embargoed until noon" in page.content.decode()


def test_signed_in_staff_are_never_served_or_stored_in_the_cache(editor_client, client):
    article = published_article()
    url = article.get_absolute_url()
    staff_page = fetch(editor_client, url)
    assert "X-Page-Cache" not in staff_page
    reader_page = fetch(client, url)
    assert reader_page["X-Page-Cache"] == "miss"
    assert "eddie" not in reader_page.content.decode().lower()


def test_a_preview_is_private_and_never_cached(editor_client):
    article = ArticleFactory()
    response = fetch(editor_client, reverse("articles:preview", args=[article.pk]))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_response_that_sets_a_cookie_is_not_stored(client):
    article = published_article()
    url = reverse("comments:form_token") + f"?article={article.pk}"
    first = fetch(client, url)
    assert first.cookies
    assert "X-Page-Cache" not in first
    assert "no-store" in first["Cache-Control"]


def test_not_found_pages_are_not_stored(client):
    fetch(client, "/2026/01/nothing-here/")
    assert "X-Page-Cache" not in fetch(client, "/2026/01/nothing-here/")


def test_a_current_etag_gets_304_from_the_cache(client, django_assert_num_queries):
    url = published_article().get_absolute_url()
    etag = fetch(client, url)["ETag"]
    with django_assert_num_queries(0):
        response = fetch(client, url, if_none_match=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert not response.content


def test_a_stale_etag_gets_the_new_page(client):
    article = published_article()
    url = article.get_absolute_url()
    etag = fetch(client, url)["ETag"]
    article.headline = "A new headline"
    article.save()
    response = fetch(client, url, if_none_match=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_if_modified_since_gets_304(client):
    url = published_article().get_absolute_url()
    last_modified = fetch(client, url)["Last-Modified"]
    assert fetch(client, url, if_modified_since=last_modified).status_code == 304


def test_two_versions_stored_within_one_second_never_share_a_last_modified(client, monkeypatch):
    article = published_article(headline="Ferry fares frozen for the winter")
    url = article.get_absolute_url()
    monkeypatch.setattr("time.time", lambda: 1_796_307_607.25)  # one second for both renders
    first = fetch(client, url)
    article.headline = "Ferry fares frozen until the spring"
    article.save()

    second = fetch(client, url)
    assert second["X-Page-Cache"] == "miss"
    assert second.get("Last-Modified") != first["Last-Modified"]
    # A feed reader's poll with the first copy's date gets the new page, not a 304.
    polled = fetch(client, url, if_modified_since=first["Last-Modified"])
    assert polled.status_code == 200
    assert "until the spring" in polled.content.decode()


def test_a_version_stored_in_a_later_second_has_its_own_date(client, monkeypatch):
    article = published_article(headline="Lock gates repaired")
    url = article.get_absolute_url()
    monkeypatch.setattr("time.time", lambda: 1_796_307_607.25)
    first = fetch(client, url)
    article.headline = "Lock gates repaired ahead of the regatta"
    article.save()
    monkeypatch.setattr("time.time", lambda: 1_796_307_609.5)

    second = fetch(client, url)
    assert second["Last-Modified"] == "Thu, 03 Dec 2026 14:20:09 GMT"
    assert first["Last-Modified"] == "Thu, 03 Dec 2026 14:20:07 GMT"
    assert fetch(client, url, if_modified_since=second["Last-Modified"]).status_code == 304


def test_head_and_get_are_cached_apart(client):
    url = published_article().get_absolute_url()
    head = client.head(url)
    assert head.status_code == 200
    get = client.get(url)
    assert get.content and get["X-Page-Cache"] == "miss"


def test_hostile_query_strings_make_safe_keys(client):
    url = published_article().get_absolute_url()
    for query in ("?" + "x" * 10_000, "?q=%00%ff", "?page=%F0%9F%92%A5"):
        assert fetch(client, url + query).status_code == 200


def test_only_live_stories_are_cached_under_their_address(client):
    article = ArticleFactory()
    article.publish(by=None, at=timezone.now() + dt.timedelta(days=1))
    path = article.public_path()
    assert fetch(client, path).status_code == 404
    assert Article.objects.published().count() == 0


def test_a_deploy_that_changes_a_template_changes_the_code_fingerprint(settings, tmp_path):
    # Both the page cache and the comment-thread fragment key on it: a new template must not
    # meet pages the old one rendered.
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>old</p>")
    settings.BASE_DIR = tmp_path
    try:
        code_fingerprint.cache_clear()
        before = code_fingerprint()
        template.write_text("<p>the new one</p>")
        code_fingerprint.cache_clear()
        assert code_fingerprint() != before
    finally:
        code_fingerprint.cache_clear()  # the next test reads the real code again


# --- Which query parameters make a page of their own ---------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [
        ("?utm_source=newsletter", "?utm_source=social&utm_medium=post"),
        ("?fbclid=IwAR0reader-one", "?fbclid=IwAR0reader-two"),
        ("?edition=morning", "?anything=at-all"),
        ("", "?utm_campaign=spring"),
    ],
)
def test_parameters_no_page_reads_share_one_entry(client, first, second):
    url = published_article().get_absolute_url()

    assert fetch(client, url + first)["X-Page-Cache"] == "miss"
    assert fetch(client, url + second)["X-Page-Cache"] == "hit"


def test_four_hundred_tracking_variants_do_not_push_a_story_out_of_the_cache(client):
    url = published_article().get_absolute_url()
    fetch(client, url)

    statuses = {fetch(client, f"/robots.txt?utm_source={n}")["X-Page-Cache"] for n in range(400)}

    assert statuses == {"miss", "hit"}
    assert fetch(client, url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "first, second",
    [
        ("/", "/?page=2"),
        ("/search/?q=ferry", "/search/?q=harbour"),
        ("/search/?q=ferry", "/search/?q=ferry&page=2"),
    ],
)
def test_parameters_a_page_reads_still_get_their_own_entry(client, first, second):
    for n in range(25):  # a second page of the front page's latest list and of the results
        published_article(headline=f"Ferry timetable for the harbour, part {n}")
    fetch(client, first)

    assert fetch(client, second)["X-Page-Cache"] == "miss"
    assert fetch(client, second + "&utm_source=x")["X-Page-Cache"] == "hit"


def test_a_story_s_comment_pages_get_their_own_entries(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    article = published_article()
    CommentFactory.create_batch(3, article=article, status="approved")
    url = article.get_absolute_url()
    fetch(client, url)

    assert fetch(client, url + "?comments=2")["X-Page-Cache"] == "miss"
    assert fetch(client, url + "?utm_source=x&comments=2")["X-Page-Cache"] == "hit"


def test_the_order_of_parameters_makes_no_new_entry(client):
    published_article(headline="The ferry returns")
    fetch(client, "/search/?q=ferry&page=1")

    assert fetch(client, "/search/?page=1&q=ferry")["X-Page-Cache"] == "hit"


def test_a_parameter_left_out_of_the_key_never_reaches_the_page(client):
    for n in range(12):  # more than the front page's latest list, so it links to page 2
        published_article(headline=f"Harbour story {n}")

    first = fetch(client, "/?fbclid=IwAR0reader-one&page=1")
    html = first.content.decode()

    assert 'href="?page=2"' in html
    assert "reader-one" not in html
    assert fetch(client, "/?page=1")["X-Page-Cache"] == "hit"


def test_a_page_rendered_across_a_change_is_neither_kept_nor_public(client, monkeypatch):
    """A change that commits while a page renders may be missing from it; nginx must not keep
    that page either, or a story just purged from it could come straight back."""
    from articles import page_tags
    from newsroom import views

    render_front_page = views.front_page

    def changed_meanwhile(**kwargs):
        page_tags.bump([page_tags.LATEST])
        return render_front_page(**kwargs)

    monkeypatch.setattr(views, "front_page", changed_meanwhile)
    during = fetch(client, "/")
    monkeypatch.setattr(views, "front_page", render_front_page)

    assert during.status_code == 200
    assert "X-Page-Cache" not in during
    assert "public" not in during.get("Cache-Control", "")
    assert fetch(client, "/")["X-Page-Cache"] == "miss"
    assert fetch(client, "/")["X-Page-Cache"] == "hit"


def test_a_page_rendered_under_another_site_name_is_not_served(client, settings):
    """The rendering settings are joined into the key once per process, and again when one
    of them changes (newsroom/pagecache.py)."""
    url = published_article().get_absolute_url()
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    assert fetch(client, url)["X-Page-Cache"] == "hit"
    settings.SITE_NAME = "The Harbour Gazette Weekend"
    page = fetch(client, url)
    assert page["X-Page-Cache"] == "miss"
    assert "The Harbour Gazette Weekend" in page.content.decode()
