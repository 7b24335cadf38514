"""Site-wide pages: the front page, search, the support campaign, robots.txt, the favicon and
health."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.search import MAX_QUERY_CHARS, search_articles, search_terms
from articles.sitemaps import news_sitemap_stories
from articles.structured_data import absolute_url
from newsroom import health
from newsroom.front_page import front_page, placed_ids
from newsroom.models import SupportCampaign

PAGE_SIZE = 20
LATEST_ON_FRONT_PAGE = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Page 1: lead, featured, latest and section blocks; later pages: more of the latest."""
    live = Article.objects.published()
    ids = placed_ids(live)
    latest = live.exclude(pk__in=ids).with_bylines().newest_first()
    page = Paginator(latest, LATEST_ON_FRONT_PAGE).get_page(request.GET.get("page"))
    if page.number > 1:
        return render(request, "newsroom/latest.html", {"page": page, "articles": page.object_list})
    return render(
        request,
        "newsroom/home.html",
        {"front": front_page(ids=ids), "page": page, "articles": page.object_list},
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    terms = search_terms(query)
    results = search_articles(query)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newsroom/search.html",
        {
            "query": query[:MAX_QUERY_CHARS],
            "query_was_cut": len(query) > MAX_QUERY_CHARS,
            "terms": terms,
            "page": page,
            "articles": page.object_list,
        },
    )


@require_safe
def support(request: HttpRequest) -> HttpResponse:
    return render(request, "newsroom/support.html", {"campaign": SupportCampaign.objects.current()})


# Browsers (and the admin, whose templates name no icon) ask for /favicon.ico on every page;
# the file is tiny and read once per process. In production nginx serves it from the static
# folder with a day's caching; here the page cache makes it public like any page.
FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        f"Sitemap: {absolute_url(reverse('news-sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's design, rendered without the database (it may be down)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME}))


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Each part's state as JSON; 503 only when the site cannot serve (newsroom/health.py)."""
    body, status = health.report()
    return JsonResponse(body, status=status)


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: stories published in the last 48 hours."""
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {"stories": news_sitemap_stories(), "language": "en"},
        content_type="application/xml; charset=utf-8",
    )
