"""Deliberately vulnerable pages, so the scanners in the battery prove they can find something
(issue #7, item 10). A scanner that reports nothing on the real site means little unless it
also reports these.

Mounted at /__battery__/ only when NEWSROOM_TEST_VULNERABLE_ENDPOINT=1 (newsroom/urls.py);
tests/test_vulnerable_endpoint.py proves they are absent otherwise. This folder is not part
of the installed package (pyproject.toml lists only newsroom, articles and comments).
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

LINKS = (
    '<p><a href="/__battery__/echo/?q=harbour">echo</a> '
    '<a href="/__battery__/lookup/?id=1">lookup</a></p>'
)


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<html><body>{LINKS}</body></html>")


def echo(request: HttpRequest) -> HttpResponse:
    """Reflected XSS: the query is written into the page unescaped."""
    query = request.GET.get("q", "")
    return HttpResponse(f"<html><body><p>You searched for {query}</p>{LINKS}</body></html>")


def lookup(request: HttpRequest) -> HttpResponse:
    """SQL injection: the id is pasted into the statement, and the database's error shown."""
    story = request.GET.get("id", "1")
    try:
        with connection.cursor() as cursor:
            # Planted on purpose for the scanners to find; routed only under the test flag.
            sql = f"SELECT headline FROM articles_article WHERE id = {story}"  # noqa: S608  # nosec B608
            cursor.execute(sql)
            rows = cursor.fetchall()
    except DatabaseError as error:
        cause = error.__cause__ or error
        return HttpResponse(
            f"<html><body><p>{type(cause).__module__}.{type(cause).__name__}: {cause}</p>"
            f"</body></html>"
        )
    items = "".join(f"<li>{row[0]}</li>" for row in rows)
    return HttpResponse(f"<html><body><ul>{items}</ul>{LINKS}</body></html>")


urlpatterns = [
    path("", index),
    path("echo/", echo),
    path("lookup/", lookup),
]
