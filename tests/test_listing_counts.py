"""A listing's page links need its count of live stories; it is counted once per change to
the listing (articles/listing_counts.py), not on every render, and a change to the listing
counts again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.cookies import OWN_COMMENTS_COOKIE
from tests.factories import SectionFactory, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Client:
    """Never answered by the page cache (an unsigned own-comments cookie): every request
    renders the listing."""
    client = Client()
    client.cookies[OWN_COMMENTS_COOKIE] = "not-signed"
    return client


def _get(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _counts(queries: list[str]) -> int:
    return sum("COUNT(" in sql.upper() for sql in queries)


@pytest.mark.parametrize("listing", ["tag", "section"])
def test_the_count_is_kept_until_a_story_joins_the_listing(reader, listing):
    harbour, council = SectionFactory(name="Harbour"), SectionFactory(name="Council")
    for n in range(20):  # one full page
        published_article(headline=f"Harbour story {n}", section=harbour).tags.add("harbour")
    url = "/tag/harbour/" if listing == "tag" else harbour.get_absolute_url()

    html, first = _get(reader, url)
    assert _counts(first) == 1 and 'rel="next"' not in html
    html, second = _get(reader, url)
    assert _counts(second) == 0 and 'rel="next"' not in html

    # A story elsewhere leaves the count alone.
    published_article(headline="Council budget", section=council).tags.add("budget")
    _, elsewhere = _get(reader, url)
    assert _counts(elsewhere) == 0

    # The twenty-first story of the listing: counted again, and there is a second page.
    published_article(headline="Harbour story 20", section=harbour).tags.add("harbour")
    html, joined = _get(reader, url)
    assert _counts(joined) == 1
    assert 'rel="next"' in html and "Harbour story 20" in html
