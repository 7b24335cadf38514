"""Public story pages: look up through `Article.objects.published()`, render, respond."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.charts import Datum, line_chart
from articles.models import (
    Article,
    ArticleRedirect,
    Author,
    Figure,
    Metric,
    Person,
    Quote,
    Section,
    Source,
    provenance_prefetches,
)
from comments.threads import story_comments

PAGE_SIZE = 20


def story(request: HttpRequest, year: str, month: str, slug: str) -> HttpResponse:
    try:
        month_start = dt.date(int(year), int(month), 1)
    except ValueError:
        raise Http404("No such month.") from None
    article = (
        Article.objects.published()
        .with_bylines()
        .prefetch_related(*provenance_prefetches())
        .filter(publication_month=month_start, slug=slug)
        .first()
    )
    if article is None:
        return _redirect_from_old_address(request)
    comments = story_comments(request, article)
    context = {"article": article, "preview": False, "comments": comments}
    return comments.protect(render(request, "articles/story.html", context))


def _redirect_from_old_address(request: HttpRequest) -> HttpResponse:
    redirect = (
        ArticleRedirect.objects.filter(
            old_path=request.path, article__in=Article.objects.published()
        )
        .select_related("article")
        .first()
    )
    if redirect is None:
        raise Http404("No such story.")
    return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


@never_cache
@staff_member_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An unpublished story through the public template, for staff who may open it."""
    if not request.user.has_perm("articles.view_article"):
        raise Http404("No such story.")
    article = get_object_or_404(
        Article.objects.for_staff(request.user)
        .with_bylines()
        .prefetch_related(*provenance_prefetches()),
        pk=pk,
    )
    response = render(request, "articles/story.html", {"article": article, "preview": True})
    response["X-Robots-Tag"] = "noindex"
    return response


def _listing(request: HttpRequest, queryset, template: str, context: dict) -> HttpResponse:  # type: ignore[no-untyped-def]
    page = Paginator(queryset.with_bylines().newest_first(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, template, {**context, "page": page, "articles": page.object_list})


def section(request: HttpRequest, slug: str) -> HttpResponse:
    the_section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=the_section)
    return _listing(request, articles, "articles/section.html", {"section": the_section})


def author(request: HttpRequest, slug: str) -> HttpResponse:
    the_author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().filter(authors=the_author)
    return _listing(request, articles, "articles/author.html", {"author": the_author})


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    from taggit.models import Tag

    the_tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=the_tag)
    return _listing(request, articles, "articles/tag.html", {"tag": the_tag})


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
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404("No published quotes from this person.")
    return render(
        request,
        "articles/person.html",
        {"person": the_person, "page": page, "quotes": page.object_list},
    )


@require_safe
def source(request: HttpRequest, pk: int) -> HttpResponse:
    the_source = get_object_or_404(Source, pk=pk)
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
    figures = sorted(
        Figure.objects.filter(
            metric=the_metric, article__in=Article.objects.published()
        ).select_related("article", "source"),
        key=lambda f: (f.date(), f.article.published_at, f.pk),
    )
    if not figures:
        raise Http404("No published figures for this metric.")
    by_day: dict[dt.date, list[Figure]] = {}
    for figure in figures:
        by_day.setdefault(figure.date(), []).append(figure)
    # Two stories giving different values for the same day: say so rather than pick one.
    conflicts = [(day, group) for day, group in by_day.items() if len({f.value for f in group}) > 1]
    conflict_days = {day for day, _ in conflicts}
    chart = line_chart(
        [
            Datum(
                day=figure.date(),
                value=figure.value,
                label=f"{figure.text}: {figure.article.headline}",
                url=figure.article.get_absolute_url(),
                conflict=figure.date() in conflict_days,
            )
            for figure in figures
        ]
    )
    return render(
        request,
        "articles/metric.html",
        {"metric": the_metric, "figures": figures, "chart": chart, "conflicts": conflicts},
    )
