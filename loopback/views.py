"""The test-only pages a loopback site is started with (NEWSROOM_TEST_ROUTES=1, loopback/urls.py):
the benchmark's trivial view, and the battery's deliberately vulnerable pages.

The trivial view goes through every middleware a page does (the page cache looks it up and,
since it is marked never-cache, does not store it), which makes it the floor the benchmark
compares the real pages with: what Django and the middleware cost before any view work.

The vulnerable pages are there so the battery's scanners prove they can find something: a
scanner that reports nothing on the real site means little unless it also reports these.
tests/test_vulnerable_endpoint.py proves they are absent unless the switch is on.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import Context, Engine

from articles.models import Article
from articles.never_cache import never_cache
from comments.models import Comment


@never_cache
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("The tide is in.", content_type="text/plain")


_PLAIN_STORY = Engine().from_string(
    "<!doctype html><html lang=en><title>{{ article.headline }}</title>"
    "<h1>{{ article.headline }}</h1><p>{{ article.section.name }}</p>"
    "<p>{{ article.standfirst }}</p>{{ article.body|safe }}"
    "<h2>{{ comments|length }} comments</h2>"
    "{% for c in comments %}<article><h3>{{ c.name }}</h3><p>{{ c.body|linebreaksbr }}</p>"
    "</article>{% endfor %}</html>"
)


@never_cache
def plain_story(request: HttpRequest, pk: int) -> HttpResponse:
    """The same story and its comments as a plain Django view would show them: two queries and
    one small template, through the same middleware. What a rendered story is measured against."""
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk)
    comments = list(
        Comment.objects.filter(article=article, status=Comment.Status.APPROVED).order_by(
            "created_at", "pk"
        )
    )
    html = _PLAIN_STORY.render(Context({"article": article, "comments": comments}))
    return HttpResponse(html)


# --- Planted vulnerabilities, mounted at /__battery__/ -----------------------------------------

LINKS = (
    '<p><a href="/__battery__/echo/?q=harbour">echo</a> '
    '<a href="/__battery__/lookup/?p=1">lookup</a></p>'
)


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<html><body>{LINKS}</body></html>")


def echo(request: HttpRequest) -> HttpResponse:
    """Reflected XSS: the query is written into the page unescaped."""
    query = request.GET.get("q", "")
    return HttpResponse(f"<html><body><p>You searched for {query}</p>{LINKS}</body></html>")


def lookup(request: HttpRequest) -> HttpResponse:
    """SQL injection: the id is pasted into the statement, and the database's error shown.

    The id comes as `p`: the page cache hands a view only the query parameters real pages
    read (newsroom/pagecache.py), and the planted page must be reached like a real one."""
    story = request.GET.get("p", "1")
    try:
        with connection.cursor() as cursor:
            # Planted on purpose for the scanners to find; routed only under the test switch.
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
