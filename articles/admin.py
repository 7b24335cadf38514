"""The editors' CMS: stories with their bylines and corrections, sections and authors."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from articles import images
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    Author,
    Correction,
    Section,
)
from articles.search import index_article, reindex_articles


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Author, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # Readers search by byline, so a renamed author's stories are re-indexed.
            reindex_articles(Article.objects.filter(authors=obj).with_bylines())


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__headline"]
    autocomplete_fields = ["article"]


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]


class ArticleAdminForm(forms.ModelForm):
    # The version the editor loaded; a save against a newer version is refused instead of
    # silently overwriting a colleague's work.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "section",
            "tags",
            "lead_image",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "published_at",
            "comment_mode",
            "comments_close_at",
            "featured_position",
        ]

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_lead_image(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data.get("lead_image")
        if isinstance(upload, UploadedFile):
            return images.clean_upload(upload)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and "loaded_version" in self.fields:
            self._refuse_stale_save(cleaned.get("loaded_version"))
        return cleaned

    def _refuse_stale_save(self, loaded: int | None) -> None:
        # The admin runs this inside its transaction; locking the row (PostgreSQL) or holding
        # SQLite's write lock (IMMEDIATE) means no save can slip in between check and write.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if loaded is None or current is None or loaded == current:
            return
        last = self.instance.history.select_related("history_user").first()
        who = (
            (last.history_user.get_full_name() or last.history_user.get_username())
            if (last and last.history_user)
            else "someone else"
        )
        when = date_filter(timezone.localtime(last.history_date), "j M Y, H:i") if last else ""
        raise ValidationError(
            f"This story was changed by {who} at {when} after you opened it. Your changes were "
            "not saved: reload the page to see the latest version, then make your edits again.",
            code="stale",
        )


class ArticleStateFilter(admin.SimpleListFilter):
    title = "on the site"
    parameter_name = "live"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("live", "Live now"), ("scheduled", "Scheduled"), ("unpublished", "Not published")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "unpublished":
            return queryset.exclude(status=Article.Status.PUBLISHED)
        return queryset


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "state",
        "section",
        "byline_names",
        "published_at",
        "updated_at",
        "featured_position",
    ]
    list_select_related = ["section"]
    list_filter = [ArticleStateFilter, "status", "section", "authors", "tags"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish_now", "submit_for_review", "return_to_draft"]
    readonly_fields = ["state", "preview_link"]
    list_per_page = 50
    history_list_display = ["status"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "loaded_version"]}),
        ("Placement", {"fields": ["section", "tags", "featured_position"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        ("Publication", {"fields": ["state", "published_at", "preview_link"]}),
        ("Comments", {"fields": ["comment_mode", "comments_close_at"]}),
    ]

    # --- Lists ----------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).for_staff(request.user)
        return qs.prefetch_related("byline_set__author")

    @admin.display(description="Status")
    def state(self, obj: Article) -> str:
        if obj.is_scheduled():
            local = timezone.localtime(obj.published_at)
            return f"Scheduled for {date_filter(local, 'j M Y, H:i')}"
        if obj.is_live():
            return "Live"
        return obj.get_status_display()

    @admin.display(description="Authors")
    def byline_names(self, obj: Article) -> str:
        return ", ".join(link.author.name for link in obj.byline_set.all())

    @admin.display(description="Preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the story first."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as readers will see it</a>',
            reverse("articles:preview", kwargs={"pk": obj.pk}),
        )

    # --- Permissions ----------------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        return Article.objects.for_staff(request.user).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self.has_publish_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            # Choosing when a story goes live, or where it sits on the front page, is
            # publishing; writers leave it to editors.
            fields.extend(["published_at", "featured_position"])
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A new story has no version to compare against.
            fieldsets = [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "loaded_version"]})
                for name, opts in fieldsets
            ]
        return fieldsets

    # --- Saving and the workflow buttons ---------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: Article, form: forms.Form, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
        new_image = "lead_image" in form.changed_data
        old_renditions = list(obj.lead_image_renditions) if new_image else []
        super().save_model(request, obj, form, change)
        if new_image:
            storage = obj.lead_image.storage
            images.delete_renditions(old_renditions, storage)
            obj.lead_image_renditions = (
                images.make_renditions(obj.lead_image.name, storage) if obj.lead_image else []
            )
            Article.objects.filter(pk=obj.pk).update(
                lead_image_renditions=obj.lead_image_renditions
            )

    def save_related(self, request: HttpRequest, form: forms.Form, formsets, change: bool) -> None:  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        article = form.instance
        # Tags and bylines are saved after the story itself, so the index is refreshed here.
        index_article(article)
        author = getattr(request.user, "author", None)
        if not change and author and not article.byline_set.exists():
            # A writer's own story carries their byline unless they credited someone else.
            ArticleAuthor.objects.create(article=article, author=author)
        self._apply_workflow_button(request, article)

    def _apply_workflow_button(self, request: HttpRequest, article: Article) -> None:
        if "_publish" in request.POST:
            if not self.has_publish_permission(request):
                raise PermissionDenied("Only editors can publish stories.")
            article.publish(by=request.user)
            self._report_publication(request, article)
        elif "_submit_review" in request.POST and article.status == Article.Status.DRAFT:
            article.submit_for_review(by=request.user)
            self.message_user(request, "Submitted for review: an editor will publish it.")
        elif "_unpublish" in request.POST:
            if not self.has_publish_permission(request):
                raise PermissionDenied("Only editors can unpublish stories.")
            article.return_to_draft(by=request.user)
            self.message_user(request, "Returned to draft: the story is no longer on the site.")

    def _report_publication(self, request: HttpRequest, article: Article) -> None:
        if article.is_scheduled():
            local = timezone.localtime(article.published_at)
            self.message_user(
                request, f"Scheduled: “{article}” goes live {date_filter(local, 'j M Y, H:i')}."
            )
        else:
            self.message_user(request, f"Published: “{article}” is live.")

    def render_change_form(
        self, request: HttpRequest, context: dict, *args, **kwargs
    ) -> HttpResponse:  # type: ignore[no-untyped-def]
        obj = kwargs.get("obj")
        context.update(
            can_publish=self.has_publish_permission(request),
            can_submit=obj is None or obj.status == Article.Status.DRAFT,
            is_published=bool(obj and obj.status == Article.Status.PUBLISHED),
        )
        return super().render_change_form(request, context, *args, **kwargs)

    # --- Actions ----------------------------------------------------------------------------

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                with transaction.atomic():
                    article.publish(by=request.user, at=timezone.now())
            except ValidationError as error:
                refused.append(f"“{article}”: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            self.message_user(request, f"Published {done} stor{'y' if done == 1 else 'ies'}.")
        if refused:
            self.message_user(
                request,
                format_html(
                    "Not published: {}",
                    format_html_join("; ", "{}", ((line,) for line in refused)),
                ),
                messages.ERROR,
            )

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        drafts = [a for a in queryset if a.status == Article.Status.DRAFT]
        for article in drafts:
            article.submit_for_review(by=request.user)
        self.message_user(request, f"Submitted {len(drafts)} for review.")

    @admin.action(description="Return to draft", permissions=["publish"])
    def return_to_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        stories = [a for a in queryset if a.status != Article.Status.DRAFT]
        for article in stories:
            article.return_to_draft(by=request.user)
        self.message_user(request, f"Returned {len(stories)} to draft.")
