"""Addresses whose answer said never to store it skip the page-cache read on their next
requests (newsroom/pagecache.py, `never_stored`), and that can only ever skip a lookup: a page
that becomes storable is stored and served from the cache again."""

import pytest
from django.urls import reverse

from newsroom import pagecache
from tests.factories import published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys_made(monkeypatch):
    """The page-cache keys the middleware works out, one per lookup or store."""
    made: list[str] = []
    real = pagecache._key

    def counting(request, query):
        key = real(request, query)
        made.append(key)
        return key

    monkeypatch.setattr(pagecache, "_key", counting)
    return made


@pytest.fixture
def token_url():
    """The comment form's token: private, fetched by the script of every cached story page."""
    article = published_article()
    return f"{reverse('comments:form_token')}?article={article.pk}"


def test_a_never_cache_answer_skips_the_lookup_on_the_next_request(client, token_url, keys_made):
    first = client.get(token_url)
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert len(keys_made) == 1  # looked up once, found nothing, learned it is never stored

    second = client.get(token_url)
    assert second.status_code == 200
    assert second.json()["csrf_token"]  # answered in full, by the view
    assert "no-store" in second["Cache-Control"]
    assert "X-Page-Cache" not in second
    assert len(keys_made) == 1  # no key and no cache read for it this time


def test_another_query_string_is_another_address(client, token_url, keys_made):
    client.get(token_url)
    client.get(f"{token_url}&utm_source=letter")
    assert len(keys_made) == 2
    client.get(token_url)
    client.get(f"{token_url}&utm_source=letter")
    assert len(keys_made) == 2


def test_an_answer_that_is_not_a_200_is_not_remembered(client, keys_made):
    url = f"{reverse('comments:form_token')}?article=999999"
    assert client.get(url).status_code == 404
    client.get(url)
    assert len(keys_made) == 2


def test_a_remembered_page_that_becomes_storable_is_stored_and_then_served(client, keys_made):
    article = published_article(headline="Ferry timetable returns")
    url = article.get_absolute_url()
    # As if this process had once been told never to store the story's page (the test client
    # sends no Host header).
    address = ("GET", "", url, "")
    pagecache.never_stored.add(address)
    article.headline = "Ferry timetable returns for winter"
    article.save()

    rendered = client.get(url)
    assert rendered["X-Page-Cache"] == "miss"
    assert "Ferry timetable returns for winter" in rendered.content.decode()
    assert address not in pagecache.never_stored
    assert len(keys_made) == 1  # no lookup, then the key it was stored under

    served = client.get(url)
    assert served["X-Page-Cache"] == "hit"
    assert served.content == rendered.content


def test_a_remembered_address_is_looked_up_again_once_its_time_is_up(
    client, token_url, keys_made, monkeypatch
):
    monkeypatch.setattr(pagecache.never_stored, "SECONDS", -1.0)  # forgotten as it is learned
    client.get(token_url)
    client.get(token_url)
    assert len(keys_made) == 2


def test_the_memory_is_bounded_and_forgets_the_oldest_first(monkeypatch):
    memory = pagecache._NeverStored()
    monkeypatch.setattr(memory, "SIZE", 3)
    for number in range(5):
        memory.add(("GET", "localhost", f"/flood/{number}/", ""))
    assert len(memory._until) == 3
    assert ("GET", "localhost", "/flood/0/", "") not in memory
    assert ("GET", "localhost", "/flood/4/", "") in memory
