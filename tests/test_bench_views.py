"""The benchmark's trivial view exists only with the test routes (NEWSROOM_TEST_ROUTES=1 picks
loopback/urls.py; tests/test_settings.py proves it)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_production_urls_have_no_trivial_view(client):
    assert client.get("/bench/trivial/").status_code == 404


def test_the_test_routes_add_it_behind_the_same_middleware(settings):
    settings.ROOT_URLCONF = "loopback.urls"
    client = Client()
    first = client.get("/bench/trivial/")
    second = client.get("/bench/trivial/")
    assert first.content == second.content == b"The tide is in."
    # Looked up in the page cache like any page, never stored, so every request runs the view.
    assert "X-Page-Cache" not in second
    assert "private" in second["Cache-Control"]
    assert second["X-Frame-Options"] == "DENY"
    assert client.get("/").status_code == 200  # the site itself is unchanged


def test_the_plain_story_view_shows_the_story_and_its_comments_in_two_queries(
    settings, django_assert_num_queries
):
    from tests.factories import CommentFactory, published_article

    settings.ROOT_URLCONF = "loopback.urls"
    article = published_article(headline="Plain harbour story")
    CommentFactory.create_batch(3, article=article, status="approved", body="Well put.")
    CommentFactory(article=article, status="pending", body="Held back.")
    with django_assert_num_queries(2):
        html = Client().get(f"/bench/plain/{article.pk}/").content.decode()
    assert "Plain harbour story" in html and "3 comments" in html
    assert html.count("Well put.") == 3 and "Held back." not in html


def test_production_urls_have_no_plain_story_view(client):
    assert client.get("/bench/plain/1/").status_code == 404
