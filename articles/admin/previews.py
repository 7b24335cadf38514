"""The story's "Share a preview" page in the admin: make a link for someone without an
account, see when each link was opened, revoke it. Editors only (the roles table)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article, PreviewLink
from articles.permissions import staff_member

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

CREATE = "articles.add_previewlink"
REVOKE = "articles.change_previewlink"

LIFETIMES = [
    (24, "1 day"),
    (48, "2 days"),
    (72, "3 days"),
    (168, "1 week"),
    (336, "2 weeks"),
]


class PreviewLinkForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("Works for"),
        choices=LIFETIMES,
        coerce=int,
        initial=PreviewLink.DEFAULT_LIFETIME // dt.timedelta(hours=1),
    )
    note = forms.CharField(
        label=_("For"),
        max_length=200,
        required=False,
        help_text=_("Who you are sending it to, so colleagues know which link to revoke."),
    )


def may_share(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(CREATE))


def share_preview(
    model_admin: ModelAdmin[Article], request: HttpRequest, object_id: str
) -> HttpResponse:
    if not may_share(request):
        raise PermissionDenied("Only editors share previews.")
    staff = staff_member(request)
    article = Article.objects.for_staff(staff).filter(pk=object_id).first()
    if article is None:
        raise Http404("No such story.")
    here = reverse("admin:articles_article_share_preview", args=[article.pk])
    form = PreviewLinkForm()
    if request.method == "POST" and "revoke" in request.POST:
        if not request.user.has_perm(REVOKE):
            raise PermissionDenied
        link = article.preview_links.filter(pk=request.POST.get("revoke", "")).first()
        if link is None:
            messages.error(request, "That link no longer exists.")
        else:
            link.revoke(by=staff)
            messages.success(request, "Revoked: the link now shows “not found”.")
        return HttpResponseRedirect(here)
    if request.method == "POST":
        form = PreviewLinkForm(request.POST)
        if article.status == Article.Status.PUBLISHED:
            messages.error(request, "This story is published: send its own address instead.")
            return HttpResponseRedirect(here)
        if form.is_valid():
            PreviewLink.create(
                article=article,
                by=staff,
                lifetime=dt.timedelta(hours=form.cleaned_data["hours"]),
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Link made: copy it from the list below.")
            return HttpResponseRedirect(here)
    elif request.method != "GET":
        return HttpResponse(status=405)
    links = (
        article.preview_links.select_related("created_by", "revoked_by")
        .annotate(times_opened=Count("uses"), last_opened=Max("uses__opened_at"))
        .order_by("-created_at", "-pk")
    )
    usable = set(PreviewLink.objects.usable().filter(article=article).values_list("pk", flat=True))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Share a preview: {article}",
        "opts": model_admin.model._meta,
        "original": article,
        "article": article,
        "form": form,
        "links": [
            (link, link.pk in usable, request.build_absolute_uri(link.get_absolute_url()))
            for link in links
        ],
        "can_share": article.status != Article.Status.PUBLISHED,
        "may_revoke": request.user.has_perm(REVOKE),
    }
    response = TemplateResponse(request, "admin/articles/article/share_preview.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
