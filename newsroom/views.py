"""Site-wide pages: the front page, search, the support campaign, robots.txt, the favicon and
health."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemaps_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles import languages, page_tags
from articles.archive import archive_navigation
from articles.listing_counts import CountedPaginator
from articles.models import Article
from articles.never_cache import never_cache
from articles.search import MAX_QUERY_CHARS, search_articles, search_terms
from articles.sharing import outlet_identity
from articles.sitemaps import has_news, news_sitemap_stories
from articles.structured_data import absolute_url, front_page_json_ld
from articles.views import paginate
from newsroom import health
from newsroom.front_page import front_page, latest_count, placed_ids
from newsroom.support_views import support_context

PAGE_SIZE = 20
LATEST_ON_FRONT_PAGE = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Page 1: lead, featured, latest and section blocks; later pages: more of the latest."""
    live = Article.objects.published()
    ids = placed_ids(live)
    latest = live.exclude(pk__in=ids).with_bylines().newest_first()
    paginator = CountedPaginator(latest, LATEST_ON_FRONT_PAGE, count=latest_count(latest))
    page = paginate(request, latest, LATEST_ON_FRONT_PAGE, paginator=paginator)
    if page.number > 1:
        page_tags.shows(request, page_tags.LATEST, stories=page.object_list)
        return render(request, "newsroom/latest.html", {"page": page, "articles": page.object_list})
    front = front_page(ids=ids)
    shown = [front.lead, *front.featured, *(a for b in front.blocks for a in b.articles)]
    page_tags.shows(
        request, page_tags.LATEST, stories=[*(a for a in shown if a), *page.object_list]
    )
    json_ld = front_page_json_ld(reverse("search"), outlet_identity(request).publisher_logo)
    return render(
        request,
        "newsroom/home.html",
        {
            "front": front,
            "page": page,
            "articles": page.object_list,
            "json_ld": json_ld,
            "archive_navigation": archive_navigation(request),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    terms = search_terms(query)
    results = search_articles(query)
    page = paginate(request, results)
    if not page.object_list:
        # Any word finds nothing: invented queries must not fill the cache with empty pages.
        page_tags.do_not_store(request)
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
    page_tags.shows(request, page_tags.CAMPAIGN)
    return render(request, "newsroom/support.html", support_context(request))


# Browsers (and the admin, whose templates name no icon) ask for /favicon.ico on every page;
# the file is tiny and read once per process. In production nginx serves it from the static
# folder with a day's caching; here the page cache makes it public like any page.
FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    page_tags.shows(request)  # nothing that changes
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # The news sitemap is named only while it has a story to list (articles/sitemaps.py):
    # a story published or unpublished bumps SITEMAPS; its last story ageing out of the
    # 48 hours is seen within a page lifetime (NEWSROOM_PAGE_CACHE_TIMEOUT), as the news
    # sitemap's own contents are.
    page_tags.shows(request, page_tags.SITEMAPS)
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    if has_news():
        lines.append(f"Sitemap: {absolute_url(reverse('news-sitemap'))}")
    lines.append("")
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's design, rendered without the database (it may be down)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render(
            {
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_TAG": languages.html_tag(),
                "LANGUAGE_DIRECTION": languages.direction(),
            }
        )
    )


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Each part's state as JSON; 503 only when the site cannot serve (newsroom/health.py)."""
    body, status = health.report()
    return JsonResponse(body, status=status)


@require_safe
def sitemap(request: HttpRequest, sitemaps: dict[str, type[Sitemap] | Sitemap]) -> HttpResponse:
    """Django's sitemap view; it lists every story, so any story change reaches it."""
    page_tags.shows(request, page_tags.SITEMAPS)
    return sitemaps_views.sitemap(request, sitemaps)


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: stories published in the last 48 hours; none, no sitemap (its
    schema rejects an empty one)."""
    page_tags.shows(request, page_tags.SITEMAPS)
    stories = news_sitemap_stories()
    if not stories:
        raise Http404("No story of the last 48 hours.")
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {"stories": stories, "language": languages.news_sitemap_language()},
        content_type="application/xml; charset=utf-8",
    )
