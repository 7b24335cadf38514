"""A live story's old address keeps working with a 301 after its slug or date changes."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import ArticleRedirect
from tests.factories import published_article

pytestmark = pytest.mark.django_db


def test_changing_the_slug_of_a_live_story_redirects_the_old_address(client):
    article = published_article(slug="ferry-fares-rise")
    old = article.get_absolute_url()

    article.slug = "ferry-fares-rise-by-a-tenth"
    article.save()

    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_changing_the_date_of_a_live_story_redirects_the_old_address(client):
    article = published_article(at=timezone.now() - dt.timedelta(days=40))
    old = article.get_absolute_url()

    article.published_at = timezone.now() - dt.timedelta(hours=2)
    article.save()

    assert old != article.get_absolute_url()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_moving_a_story_back_does_not_redirect_to_itself(client):
    article = published_article(slug="first-name")
    first = article.get_absolute_url()
    article.slug = "second-name"
    article.save()
    article.slug = "first-name"
    article.save()

    assert client.get(first).status_code == 200
    assert not ArticleRedirect.objects.filter(old_path=first).exists()
    assert client.get(f"{first[: -len('first-name/')]}second-name/").status_code == 301


def test_a_draft_changing_its_slug_leaves_no_redirect():
    from tests.factories import ArticleFactory

    article = ArticleFactory(slug="draft-slug")
    article.slug = "new-draft-slug"
    article.save()
    assert not ArticleRedirect.objects.exists()


def test_an_old_address_of_an_unpublished_story_is_gone(client, editor):
    article = published_article(slug="to-be-withdrawn")
    old = article.get_absolute_url()
    article.slug = "withdrawn"
    article.save()
    article.return_to_draft(by=editor)
    assert client.get(old).status_code == 404


def test_an_unknown_address_is_a_404(client):
    assert client.get("/2026/01/never-written/").status_code == 404
    assert client.get("/2026/13/bad-month/").status_code == 404
