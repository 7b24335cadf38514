"""Public story pages: look up through `Article.objects.published()`, render, respond."""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from articles.models import Article, ArticleRedirect, Author, Section
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
    article = get_object_or_404(Article.objects.for_staff(request.user).with_bylines(), pk=pk)
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
