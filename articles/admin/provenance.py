"""The provenance registries: sources, metrics, people, and lists of figures and quotes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from articles.admin.private_fields import PrivateFieldsAdmin
from articles.models import (
    Article,
    ArticleSource,
    Figure,
    Metric,
    Person,
    Publisher,
    PublisherDomain,
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
    """A record readers see on stories (a source, a person, a metric) is shared: a writer may
    change it only while every story relying on it is one the writer may open (their own
    unpublished ones), and lists it only when it is unused, on a live story or on a story the
    writer may open. Editors see and change all; writers still add new ones for their drafts.

    Each registry names how stories rely on its records, from the record's side
    (`record_lookups`, e.g. "figures__article") and from the story's (`story_lookups`)."""

    record_lookups: tuple[str, ...] = ()
    story_lookups: tuple[str, ...] = ()

    def stories_relying_on(self, obj: Any) -> QuerySet:
        relies = Q()
        for lookup in self.story_lookups:
            relies |= Q(**{lookup: obj})
        return Article.objects.filter(relies)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        records = super().get_queryset(request)  # type: ignore[misc]  # a mixin
        if is_editor(request.user):
            return records
        may_see = Article.objects.known_to(staff_member(request)).values("pk")
        shown = Q(**{f"{lookup}__isnull": True for lookup in self.record_lookups})
        for lookup in self.record_lookups:
            shown |= Q(**{f"{lookup}__in": may_see})
        return records.filter(shown).distinct()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]  # a mixin
        if not allowed or obj is None or is_editor(request.user):
            return allowed
        theirs = Article.objects.for_staff(staff_member(request)).values("pk")
        return not self.stories_relying_on(obj).exclude(pk__in=theirs).exists()


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
class SourceAdmin(SharedRecordMixin, PrivateFieldsAdmin):
    record_lookups = ("article_links__article", "figures__article", "quotes__article")
    story_lookups = ("source_links__source", "figures__source", "quotes__source")
    list_display = ["title", "publisher", "kind", "url", "accessed_on"]
    list_filter = ["kind", "issued_by__kind", "publisher"]
    autocomplete_fields = ["issued_by"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "accessed_on"
    inlines = [CitedByInline]
    # An address typed without a scheme means HTTPS, as browsers now assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "title",
        "issued_by",
        "publisher",
        "kind",
        "url",
        "archive_url",
        "published_on",
        "accessed_on",
        "notes",
    ]
    # Notes may name a confidential source ("J. Doe at the ministry, phone …"): editors only,
    # in the form and in any search or lookup.
    private_fields = {"notes": is_editor}

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if "title" in form.changed_data:
            obj.provisional_title = False  # An editor's title is never replaced by a link's.
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        # Cited sources are protected by the database too; this keeps the button honest.
        return super().has_delete_permission(request, obj) and is_editor(request.user)


@admin.register(Metric)
class MetricAdmin(SharedRecordMixin, admin.ModelAdmin):
    record_lookups = ("figures__article",)
    story_lookups = ("figures__metric",)
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(SharedRecordMixin, admin.ModelAdmin):
    record_lookups = ("quotes__article",)
    story_lookups = ("quotes__person",)
    list_display = ["name", "description", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

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


class PublisherDomainInline(admin.TabularInline):
    model = PublisherDomain
    fields = ["domain"]
    verbose_name = "web domain"
    verbose_name_plural = "web domains (links to these and their subdomains cite this publisher)"

    def get_extra(self, request: HttpRequest, obj: Publisher | None = None, **kwargs: Any) -> int:
        # "Name its publisher" from the sourcing check opens this form with the domain filled.
        return 1 if request.GET.get("domain") and obj is None else (0 if obj else 1)


@admin.register(Publisher)
class PublisherAdmin(EditorsOnlyAdmin):
    list_display = ["name", "kind", "domain_list", "note"]
    list_filter = ["kind"]
    search_fields = ["name", "domains__domain", "note"]
    fields = ["name", "kind", "note"]
    inlines = [PublisherDomainInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publisher]:
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("web domains"))
    def domain_list(self, obj: Publisher) -> str:
        return ", ".join(d.domain for d in obj.domains.all())

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Publisher, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        domain = request.GET.get("domain", "").strip()[:253]
        if request.method == "GET" and domain and isinstance(inline, PublisherDomainInline):
            kwargs["initial"] = [{"domain": domain}]
        return kwargs
