"""The provenance registries: sources, metrics, people, and lists of figures and quotes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.models import (
    Article,
    ArticleSource,
    Figure,
    Metric,
    Person,
    Quote,
    Source,
)
from articles.permissions import is_editor, staff_member

# --- Provenance registries --------------------------------------------------------------------


class EditorsOnlyAdmin(admin.ModelAdmin):
    """Lists anyone with view permission may read, but only editors change from here.

    Writers edit figures and quotes inline on their own stories; from these lists they could
    reach other people's published stories.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and is_editor(request.user)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and is_editor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and is_editor(request.user)


class StoriesYouMaySeeMixin:
    """Rows that belong to a story are listed (and searched) only for the stories the user may
    see in the admin: a writer never reads the figures or quotes of someone else's draft."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = Article.objects.for_staff(staff_member(request)).values("pk")
        # A mixin: the ModelAdmin or inline it is mixed into has get_queryset.
        return super().get_queryset(request).filter(article__in=visible)  # type: ignore[misc]  # see above


class SharedRecordMixin:
    """A record readers see on live stories (a source, a person, a metric) is changed only by
    editors once a live story relies on it; writers still add new ones for their drafts."""

    def on_live_story(self, obj: Any) -> bool:
        """Whether a live story relies on `obj` (each registry says how)."""
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]  # a mixin
        if not allowed or obj is None or is_editor(request.user):
            return allowed
        return not self.on_live_story(obj)


def _live_ids() -> QuerySet:
    return Article.objects.published().values("pk")


class CitedByInline(StoriesYouMaySeeMixin, admin.TabularInline):
    model = ArticleSource
    extra = 0
    fields = ["article", "origin"]
    readonly_fields = ["article", "origin"]
    can_delete = False
    verbose_name_plural = "cited by"

    def has_add_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(SharedRecordMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "url", "accessed_on"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "accessed_on"
    inlines = [CitedByInline]
    # An address typed without a scheme means HTTPS, as browsers now assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "title",
        "publisher",
        "kind",
        "url",
        "archive_url",
        "published_on",
        "accessed_on",
        "notes",
    ]

    def get_fields(self, request: HttpRequest, obj: Source | None = None) -> Any:
        # Notes may name a confidential source ("J. Doe at the ministry, phone …").
        fields = list(super().get_fields(request, obj))
        return fields if is_editor(request.user) else [f for f in fields if f != "notes"]

    def on_live_story(self, obj: Any) -> bool:
        live = _live_ids()
        return (
            obj.article_links.filter(article__in=live).exists()
            or obj.figures.filter(article__in=live).exists()
            or obj.quotes.filter(article__in=live).exists()
        )

    def has_delete_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        # Cited sources are protected by the database too; this keeps the button honest.
        return super().has_delete_permission(request, obj) and is_editor(request.user)


@admin.register(Metric)
class MetricAdmin(SharedRecordMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def on_live_story(self, obj: Any) -> bool:
        return obj.figures.filter(article__in=_live_ids()).exists()


@admin.register(Person)
class PersonAdmin(SharedRecordMixin, admin.ModelAdmin):
    list_display = ["name", "description", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def on_live_story(self, obj: Any) -> bool:
        return obj.quotes.filter(article__in=_live_ids()).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return super().has_delete_permission(request, obj) and is_editor(request.user)


class SourcedFilter(admin.SimpleListFilter):
    title = "sourced"
    parameter_name = "sourced"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("no", "Unsourced"), ("yes", "Sourced")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in {"yes", "no"}:
            return queryset.filter(source__isnull=self.value() == "no")
        return queryset


@admin.register(Figure)
class FigureAdmin(StoriesYouMaySeeMixin, EditorsOnlyAdmin):
    list_display = ["text", "unit", "counts", "as_of", "article", "source", "metric"]
    list_select_related = ["article", "source", "metric"]
    list_filter = [SourcedFilter, "metric"]
    search_fields = ["text", "counts", "article__headline"]
    autocomplete_fields = ["article", "source", "metric"]


@admin.register(Quote)
class QuoteAdmin(StoriesYouMaySeeMixin, EditorsOnlyAdmin):
    list_display = ["__str__", "role", "article", "source"]
    list_select_related = ["person", "article", "source"]
    list_filter = [SourcedFilter]
    search_fields = ["text", "person__name", "article__headline"]
    autocomplete_fields = ["article", "person", "source"]
