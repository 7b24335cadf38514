"""Public story pages: look up through `Article.objects.published()`, render, respond."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag, TaggedItem

from articles import consistency, page_tags, story_shell
from articles.archive import archive_months, archive_navigation
from articles.charts import Datum, line_chart
from articles.listing_counts import CountedPaginator, listing_count
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    Author,
    Correction,
    Figure,
    Metric,
    Person,
    Quote,
    Section,
    Source,
    attach_tags,
    provenance_prefetches,
)
from articles.never_cache import never_cache
from articles.permissions import staff_member
from articles.redirects import old_address_redirect
from articles.related import related_articles
from articles.sharing import outlet_identity
from articles.structured_data import breadcrumb_json_ld, news_article_json_ld

PAGE_SIZE = 20
# The metric chart's drawing for phones, in SVG units (the wide one is 640).
NARROW_CHART_WIDTH = 340

# The comments under a story are drawn by a template tag of an app above this one
# (comments/templatetags/comment_tags.py). When they show this reader something of their own
# (their pending comment, a message after posting) the tag calls keep_private(), and the story
# view keeps the response out of every shared cache.
_PRIVATE_PAGE = "_story_page_is_private"


def keep_private(request: HttpRequest) -> None:
    """Called while the story page renders: this response is for this reader alone."""
    setattr(request, _PRIVATE_PAGE, True)


def story_queryset(queryset: ArticleQuerySet) -> ArticleQuerySet:
    """A story page's own rows: bylines, tags, corrections and its sources, figures and quotes,
    each in a fixed number of queries."""
    return queryset.with_bylines().prefetch_related(
        Prefetch(
            "corrections",
            queryset=Correction.objects.select_related("before_source", "after_source").order_by(
                "-created_at", "-pk"
            ),
        ),
        *provenance_prefetches(),
    )


def story_parts(article: Article) -> None:
    """Fetch what `story_queryset` prefetches onto a story already looked up."""
    parts = story_queryset(Article.objects.all())
    lookups = parts._prefetch_related_lookups  # type: ignore[attr-defined]  # not in the stubs
    prefetch_related_objects([article], *lookups)
    attach_tags([article])


def story_context(
    article: Article, *, preview: bool, request: HttpRequest | None = None
) -> dict[str, Any]:
    # Each corrected figure and quote carries its corrections, shown at the fact (no query:
    # both lists are prefetched).
    corrections = list(article.corrections.all())
    for fact in [*article.figures.all(), *article.quotes.all()]:
        key = "figure_id" if isinstance(fact, Figure) else "quote_id"
        fixes = [c for c in corrections if getattr(c, key) == fact.pk]
        fact.fixes = fixes  # type: ignore[attr-defined]  # a display attribute for the template
    return {
        "article": article,
        "preview": preview,
        "corrections": article.corrections.all(),
        "related": related_articles(article),
        "json_ld": news_article_json_ld(article, logo=outlet_identity(request).publisher_logo),
    }


@require_safe
def story(request: HttpRequest, year: str, month: str, slug: str) -> HttpResponse:
    # The kept shell and the row it was rendered from, while nothing it shows has changed.
    response = story_shell.reuse(request)
    if response is None:
        response = _render_story(request, year, month, slug)
    if getattr(request, _PRIVATE_PAGE, False):
        patch_cache_control(response, private=True, no_store=True)
    return response


def _render_story(request: HttpRequest, year: str, month: str, slug: str) -> HttpResponse:
    month_start = _month_start(year, month)
    # Only the row: its parts are fetched by render_shell below (a kept shell, reused above,
    # needs neither).
    article = (
        Article.objects.published()
        .select_related("section", "lead_image")
        .filter(publication_month=month_start, slug=slug)
        .first()
    )
    if article is None:
        return _redirect_from_old_address(request)

    def render_shell() -> HttpResponse:
        assert article is not None  # looked up above
        story_parts(article)
        context = story_context(article, preview=False, request=request)
        # Its own content, the related stories' cards and the listings they were picked from
        # (a story joining one of its tags or its section may become related); the support
        # box adds the campaign as it renders.
        page_tags.shows(
            request,
            page_tags.story(article.pk),
            page_tags.section_list(article.section_id),
            *(page_tags.tag_list(tag.pk) for tag in article.tags.all()),
            stories=context["related"],
        )
        return render(request, "articles/story.html", context)

    # The comment area is drawn into the shell on every render (articles/story_shell.py).
    return story_shell.respond(request, article, render_shell)


def _redirect_from_old_address(request: HttpRequest) -> HttpResponse:
    redirect = old_address_redirect(request.path)
    if redirect is None:
        raise Http404("No such story.")
    return redirect


@never_cache
@staff_member_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An unpublished story through the public template, for staff who may open it."""
    if not request.user.has_perm("articles.view_article"):
        raise Http404("No such story.")
    staff = staff_member(request)
    article = get_object_or_404(story_queryset(Article.objects.for_staff(staff)), pk=pk)
    response = render(
        request, "articles/story.html", story_context(article, preview=True, request=request)
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _listing(
    request: HttpRequest,
    queryset: ArticleQuerySet,
    template: str,
    context: dict,
    *,
    listing: str | None = None,
    empty_is_missing: bool = False,
) -> HttpResponse:
    """A page of stories, newest first. `listing` names the tag of which stories it holds
    (articles/page_tags.py); without one the page goes with any story change."""
    stories = queryset.with_bylines().newest_first()
    # Counted once per change to the listing, not per render (articles/listing_counts.py).
    counted = (
        CountedPaginator(stories, PAGE_SIZE, count=listing_count(listing, queryset))
        if listing is not None
        else None
    )
    page = paginate(request, stories, paginator=counted)
    if empty_is_missing and page.paginator.count == 0:
        raise Http404("Nothing published here.")
    if listing is not None:
        page_tags.shows(request, listing, stories=page.object_list)
    return render(request, template, {**context, "page": page, "articles": page.object_list})


def paginate(
    request: HttpRequest,
    items: Any,
    per_page: int = PAGE_SIZE,
    *,
    paginator: Paginator | None = None,
) -> Page:
    """The requested page (the last for a number past it, the first for nonsense), marking
    such an answer not worth a cache entry of its own: `?page=N` could make one per N."""
    raw = request.GET.get("page")
    page = (paginator or Paginator(items, per_page)).get_page(raw)
    if raw is not None and raw != str(page.number):
        page_tags.do_not_store(request)
    return page


@require_safe
def section(request: HttpRequest, slug: str) -> HttpResponse:
    the_section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=the_section)
    trail = [("Home", reverse("home")), (the_section.name, the_section.get_absolute_url())]
    return _listing(
        request,
        articles,
        "articles/section.html",
        {"section": the_section, "breadcrumbs": breadcrumb_json_ld(trail)},
        listing=page_tags.section_list(the_section.pk),
    )


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    the_author = get_object_or_404(Author, slug=slug)
    # From the author's bylines (a few hundred rows), not every live story joined to its
    # bylines: the count alone read all of them.
    bylines = ArticleAuthor.objects.filter(author=the_author).values("article_id")
    articles = Article.objects.published().filter(pk__in=bylines)
    return _listing(
        request,
        articles,
        "articles/author.html",
        {"author": the_author},
        listing=page_tags.author_list(the_author.pk),
    )


@require_safe
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    the_tag = get_object_or_404(Tag, slug=slug)
    # From the tag's own rows, as for authors above.
    tagged = TaggedItem.objects.filter(
        tag=the_tag, content_type=ContentType.objects.get_for_model(Article)
    ).values("object_id")
    articles = Article.objects.published().filter(pk__in=tagged)
    path = reverse("articles:tag", kwargs={"slug": the_tag.slug})
    trail = [("Home", reverse("home")), (the_tag.name, path)]
    return _listing(
        request,
        articles,
        "articles/tag.html",
        {"tag": the_tag, "breadcrumbs": breadcrumb_json_ld(trail)},
        listing=page_tags.tag_list(the_tag.pk),
        # A tag only drafts carry is not public yet: its name alone can give a story away.
        empty_is_missing=True,
    )


@require_safe
def month_archive(request: HttpRequest, year: str, month: str) -> HttpResponse:
    """Every story of a month ("March 2021"), with links to the months either side."""
    month_start = _month_start(year, month)
    live = Article.objects.published()
    # The nearest month with stories either side, as two uncorrelated subqueries on the page's
    # own query: each is one step down the month index, where a MIN/MAX with a
    # filter read every live story.
    months = live.order_by().values("publication_month")
    articles = live.filter(publication_month=month_start).annotate(
        previous_month=Subquery(
            months.filter(publication_month__lt=month_start).order_by("-publication_month")[:1]
        ),
        next_month=Subquery(
            months.filter(publication_month__gt=month_start).order_by("publication_month")[:1]
        ),
    )
    tag = page_tags.month_list(month_start)
    stories = articles.with_bylines().newest_first()
    count = listing_count(tag, live.filter(publication_month=month_start))
    page = paginate(request, stories, paginator=CountedPaginator(stories, PAGE_SIZE, count=count))
    if not page.object_list:
        raise Http404("No stories that month.")
    # LATEST too: the links to the months either side change when a month gains its first
    # story or loses its last.
    page_tags.shows(request, tag, page_tags.LATEST, stories=page.object_list)
    first = page.object_list[0]
    return render(
        request,
        "articles/month.html",
        {
            "month": month_start,
            "previous_month": first.previous_month,
            "next_month": first.next_month,
            "archive_navigation": archive_navigation(request),
            "page": page,
            "articles": page.object_list,
        },
    )


@require_safe
def year_archive(request: HttpRequest, year: str) -> HttpResponse:
    """The months of a year that have stories, with how many each."""
    # /0000/ matches the URL pattern but is no year a date can hold (it was a 500).
    if not dt.MINYEAR <= int(year) <= dt.MAXYEAR:
        raise Http404("No such year.")
    # The archive navigation's one query gives this year's months and their counts too.
    archive = archive_months()
    months = [month for month in archive if month.month.year == int(year)]
    if not months:
        raise Http404("No stories that year.")
    return render(
        request,
        "articles/year.html",
        {
            "year": int(year),
            "months": months,
            "total": sum(m.stories for m in months),
            "archive_navigation": archive_navigation(request),
        },
    )


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    """Every correction, clarification and update to a live story, newest first."""
    log = (
        Correction.objects.filter(article__in=Article.objects.published())
        .select_related("article", "article__section")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, log)
    return render(
        request, "articles/corrections.html", {"page": page, "corrections": page.object_list}
    )


def _month_start(year: str, month: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise Http404("No such month.") from None


# --- Provenance pages: people, sources, metrics -------------------------------------------------
# Each lists only what published stories say; a record that no live story uses is not shown,
# so a source or a person in an embargoed draft cannot leak through these pages.


@require_safe
def person(request: HttpRequest, slug: str) -> HttpResponse:
    the_person = get_object_or_404(Person, slug=slug)
    quotes = (
        Quote.objects.filter(person=the_person, article__in=Article.objects.published())
        .select_related("article", "source")
        .order_by("-article__published_at", "-article__pk", "pk")
    )
    page = paginate(request, quotes)
    if not page.object_list:
        raise Http404("No published quotes from this person.")
    return render(
        request,
        "articles/person.html",
        {"person": the_person, "page": page, "quotes": page.object_list},
    )


@require_safe
def source(request: HttpRequest, pk: int) -> HttpResponse:
    the_source = get_object_or_404(Source.objects.select_related("issued_by"), pk=pk)
    published = Article.objects.published()
    citing = published.filter(
        Q(source_links__source=the_source)
        | Q(figures__source=the_source)
        | Q(quotes__source=the_source)
    ).values("pk")
    articles = published.filter(pk__in=citing)
    if not articles.exists():
        raise Http404("No published story cites this source.")
    figures = list(
        Figure.objects.filter(source=the_source, article__in=published)
        .select_related("article", "metric")
        .order_by("-article__published_at", "pk")
    )
    return _listing(
        request, articles, "articles/source.html", {"source": the_source, "figures": figures}
    )


@require_safe
def metric(request: HttpRequest, slug: str) -> HttpResponse:
    the_metric = get_object_or_404(Metric, slug=slug)
    # Every figure of a live story has a date (its own, or its story's publication day).
    dated = sorted(
        (
            (day, figure)
            for figure in Figure.objects.filter(
                metric=the_metric, article__in=Article.objects.published()
            ).select_related("article", "source")
            if (day := figure.date()) is not None
        ),
        key=lambda pair: (pair[0], pair[1].article.published_at, pair[1].pk),
    )
    if not dated:
        raise Http404("No published figures for this metric.")
    figures = [figure for _, figure in dated]
    # Stories giving different values for the same few days: say so rather than pick one.
    conflicts = consistency.conflicts(dated)
    conflicting = {figure.pk for _, group in conflicts for figure in group}
    data = [
        Datum(
            day=day,
            value=figure.value,
            label=f"{figure.text}: {figure.article.headline}",
            url=figure.article.get_absolute_url(),
            conflict=figure.pk in conflicting,
        )
        for day, figure in dated
    ]
    # The narrow drawing is for phones: at 640 units wide its labels would shrink to 6 pixels.
    chart, narrow_chart = line_chart(data), line_chart(data, width=NARROW_CHART_WIDTH)
    return render(
        request,
        "articles/metric.html",
        {
            "metric": the_metric,
            "figures": figures,
            "chart": chart,
            "narrow_chart": narrow_chart,
            "conflicts": conflicts,
        },
    )
