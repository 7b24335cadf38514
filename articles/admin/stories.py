"""The editors' CMS for stories: the change form with bylines, corrections, sources, figures
and quotes inline, the list, the workflow buttons and bulk actions."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles import notices
from articles.admin import autosave, previews, sourcing_desk
from articles.admin.bulk import add_tags, set_section
from articles.admin.dates import admin_datetime
from articles.admin.history import StoryHistoryAdmin
from articles.admin.inline_choices import KnownChoicesFormSet, KnownChoicesInlineMixin
from articles.admin.media import LibraryImageSelect
from articles.admin.notes import EditorialNoteInline
from articles.admin.story_form import RECORD_FIGURE, ArticleAdminForm
from articles.admin.story_list import ArticleStateFilter, DrillDownQuerySet
from articles.figures import format_decimal
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    ArticleSource,
    Correction,
    Figure,
    Quote,
)
from articles.permissions import is_editor, staff_member
from articles.sourcing import UnsourcedStory, reader_texts, unrecorded_figures_in

if TYPE_CHECKING:
    pass


class BylineInline(KnownChoicesInlineMixin, admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in order)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at", "figure", "quote", "before_and_after"]
    readonly_fields = ["before_and_after"]

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        # Only this story's own figures and quotes can be what its correction fixes.
        match = request.resolver_match
        story = match.kwargs.get("object_id") if match else None
        if db_field.name in {"figure", "quote"}:
            model = Figure if db_field.name == "figure" else Quote
            kwargs["queryset"] = model.objects.filter(article_id=story or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("Before and after"))
    def before_and_after(self, obj: Correction) -> str:
        if not obj.before_text:
            return "Name the figure or quote this corrects, and fix it above in the same save."
        return f"We first printed “{obj.before_text}”; it now reads “{obj.after_text}”."


class SourceLinkFormSet(KnownChoicesFormSet):
    def save_new(self, form: BaseModelForm[ArticleSource], commit: bool = True) -> ArticleSource:
        # Saving the story registered its body links already (articles/derived.py); a source
        # the editor also added by hand is that same citation, kept from now on by hand.
        link = ArticleSource.objects.filter(
            article=self.instance, source=form.cleaned_data["source"]
        ).first()
        if link is None:
            return super().save_new(form, commit)
        link.origin = ArticleSource.Origin.HAND
        link.save(update_fields=["origin"])
        return link


class SourceLinkInline(KnownChoicesInlineMixin, admin.TabularInline):
    model = ArticleSource
    formset = SourceLinkFormSet
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "origin"]
    readonly_fields = ["origin"]
    verbose_name = "source"
    verbose_name_plural = "sources (links in the body are added on save; add others by hand)"


class WrittenDecimalInput(forms.NumberInput):
    """A decimal shown as written ("2500", "4.2"), not with the column's six places."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return format_decimal(value)
        return super().format_value(value)


class FigureInline(KnownChoicesInlineMixin, admin.TabularInline):
    model = Figure
    formfield_overrides = {models.DecimalField: {"widget": WrittenDecimalInput}}
    extra = 0
    autocomplete_fields = ["source", "metric"]
    fields = ["text", "value", "unit", "counts", "as_of", "source", "metric"]
    verbose_name_plural = "figures quoted in the story"

    def get_extra(self, request: HttpRequest, obj: Article | None = None, **kwargs: Any) -> int:
        # One blank row per "record this figure" link followed (see ArticleAdmin).
        return len(request.GET.getlist(RECORD_FIGURE)) if request.method == "GET" else 0


class QuoteInline(KnownChoicesInlineMixin, admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person", "source"]
    fields = ["person", "role", "text", "source"]
    verbose_name_plural = "quotes"


# The query parameter of a "record this figure" link: the figure's span in the body text.


@admin.register(Article)
class ArticleAdmin(StoryHistoryAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "state",
        "sourcing_status",
        "section",
        "byline_names",
        "published",
        "updated",
        "front_page",
    ]
    list_select_related = ["section"]
    list_filter = [ArticleStateFilter, "status", "section", "authors", "tags"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "lead_image"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [
        BylineInline,
        SourceLinkInline,
        FigureInline,
        QuoteInline,
        CorrectionInline,
        EditorialNoteInline,
    ]
    actions = ["publish_now", "submit_for_review", "return_to_draft", set_section, add_tags]
    readonly_fields = ["state", "length", "preview_link", "sourcing_report", "sourcing_override"]
    list_per_page = 50
    object_history_form_template = "admin/articles/article/history_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "standfirst",
                    "body",
                    "length",
                    "body_figure",
                    "loaded_version",
                ]
            },
        ),
        ("Placement", {"fields": ["section", "tags", "featured_position"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_upload",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        ("Publication", {"fields": ["state", "published_at", "preview_link"]}),
        ("Comments", {"fields": ["comment_mode", "comments_close_at"]}),
        (
            "Sourcing check",
            {
                "fields": ["sourcing_report", "publish_anyway_reason", "sourcing_override"],
                "description": "What the check finds in the saved story, in everything "
                "readers see (headline, standfirst, body, caption, credit): figures and quotes "
                "without a source, numbers and quotes not recorded, links and placeholders "
                "without an address. It runs on publishing and on every save of a live story.",
            },
        ),
    ]

    class Media:
        js = [
            "js/record-figure.js",
            "js/word-count.js",
            "js/autosave.js",
            "js/library-figure.js",
        ]
        css = {"all": ["css/story-admin.css", "css/sourcing-admin.css"]}

    # --- Lists ----------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        suggestions = path(
            "tag-suggestions/",
            self.admin_site.admin_view(self.tag_suggestions),
            name="articles_article_tag_suggestions",
        )
        share = path(
            "<path:object_id>/share/",
            self.admin_site.admin_view(partial(previews.share_preview, self)),
            name="articles_article_share_preview",
        )
        autosaves = [
            # Before the admin's own "<path:object_id>/…" patterns, which would swallow them.
            path(
                "add/autosave/",
                self.admin_site.admin_view(self.autosave_copy),
                name="articles_article_autosave_new",
            ),
            path(
                "<path:object_id>/autosave/",
                self.admin_site.admin_view(self.autosave_copy),
                name="articles_article_autosave",
            ),
        ]
        return [suggestions, share, *autosaves, *super().get_urls()]

    def autosave_copy(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        return autosave.autosave_view(self, request, object_id)

    def tag_suggestions(self, request: HttpRequest) -> HttpResponse:
        """Existing tags matching what the editor typed, most used first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        names = []
        if term:
            tags = Tag.objects.all()
            if not is_editor(request.user):
                # A tag only hidden stories carry can give an embargoed story away by name.
                tags = Article.objects.known_to(staff_member(request)).tags()
            tags = tags.filter(name__icontains=term)
            names = list(
                tags.annotate(uses=models.Count("taggit_taggeditem_items"))
                .order_by("-uses", "name")
                .values_list("name", flat=True)[:10]
            )
        response = JsonResponse({"tags": names})
        response["Cache-Control"] = "private, no-store"
        return response

    def get_queryset(self, request: HttpRequest) -> ArticleQuerySet:
        # ModelAdmin.get_queryset, on the list's own queryset class (for its drill-down).
        qs = DrillDownQuerySet(self.model).for_staff(staff_member(request))
        if ordering := self.get_ordering(request):
            qs = qs.order_by(*ordering)
        qs = qs.prefetch_related("byline_set__author")
        match = request.resolver_match
        if match and match.url_name == "articles_article_changelist":
            # The sourcing column checks every row: two queries for the page, not two a row.
            qs = qs.prefetch_related(
                "figures", models.Prefetch("quotes", Quote.objects.select_related("person"))
            )
        return qs

    @admin.display(description=_("Sourcing"))
    def sourcing_status(self, obj: Article) -> str:
        return sourcing_desk.status_of(obj)

    @admin.display(description=_("Status"))
    def state(self, obj: Article) -> str:
        if obj.is_scheduled():
            return f"Scheduled for {admin_datetime(obj.published_at)}"
        if obj.is_live():
            return "Live"
        return obj.get_status_display()

    @admin.display(description=_("Published"), ordering="published_at")
    def published(self, obj: Article) -> str:
        return admin_datetime(obj.published_at)

    @admin.display(description=_("Updated"), ordering="updated_at")
    def updated(self, obj: Article) -> str:
        return admin_datetime(obj.updated_at)

    @admin.display(description=_("Front page"), ordering="featured_position")
    def front_page(self, obj: Article) -> str:
        return str(obj.featured_position) if obj.featured_position else "—"

    @admin.display(description=_("Authors"))
    def byline_names(self, obj: Article) -> str:
        return ", ".join(link.author.name for link in obj.byline_set.all())

    @admin.display(description=_("Length"))
    def length(self, obj: Article | None) -> str:
        # Updated as the editor types by js/word-count.js, counted as Article._derive() does.
        words = obj.word_count if obj and obj.pk else 0
        minutes = obj.reading_minutes if obj and obj.pk else 1
        return format_html(
            '<output id="story-length" data-words-per-minute="{}" aria-live="polite">'
            "{} word{} · {} min read</output>",
            settings.NEWSROOM_WORDS_PER_MINUTE,
            words,
            "" if words == 1 else "s",
            minutes,
        )

    @admin.display(description=_("Preview"))
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the story first."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as readers will see it</a>',
            reverse("articles:preview", kwargs={"pk": obj.pk}),
        )

    @admin.display(description=_("Problems"))
    def sourcing_report(self, obj: Article) -> str:
        return sourcing_desk.report(obj)

    @admin.display(description=_("Last override"))
    def sourcing_override(self, obj: Article) -> str:
        if not obj.sourcing_override_reason:
            return "None."
        who = obj.sourcing_override_by
        name = (who.get_full_name() or who.get_username()) if who else "someone"
        when = admin_datetime(obj.sourcing_override_at)
        return f"Published despite the sourcing check by {name} at {when}: " + (
            obj.sourcing_override_reason
        )

    # --- Permissions ----------------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # Object-aware, like change: django-simple-history opens a story's history and its
        # past versions straight from the history table, not through get_queryset(), so
        # without this a writer could read anyone's draft or embargoed story there.
        if not super().has_view_permission(request, obj):
            return False
        if obj is None or obj.pk is None or self.has_publish_permission(request):
            return True
        return Article.objects.for_staff(staff_member(request)).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        return Article.objects.for_staff(staff_member(request)).filter(pk=obj.pk).exists()

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
        hidden = set()
        if obj is None:
            hidden.add("loaded_version")  # A new story has no version to compare against.
        if not self.has_publish_permission(request):
            hidden.add("publish_anyway_reason")  # Only editors may publish despite the check.
        if hidden:
            fieldsets = [
                (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def get_form(
        self, request: HttpRequest, obj: Article | None = None, change: bool = False, **kwargs: Any
    ) -> type[ArticleAdminForm]:
        form = super().get_form(request, obj, change, **kwargs)
        # A subclass per request, so the user (and a refusal of this request's save) never
        # leaks into the class other requests share.
        attributes: dict[str, Any] = {"user_id": request.user.pk}
        refusal = getattr(request, "_live_refusal", None)
        if refusal is not None:
            attributes["live_refusal"] = refusal.problems
        return type(form.__name__, (form,), attributes)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "lead_image":
            kwargs["widget"] = LibraryImageSelect(db_field, self.admin_site)
            kwargs["label"] = "Lead image from the library"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset_kwargs(
        self,
        request: HttpRequest,
        obj: Article,
        inline: InlineModelAdmin[Any, Article],
        prefix: str,
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        wanted = request.GET.getlist(RECORD_FIGURE)
        if isinstance(inline, FigureInline) and request.method == "GET" and wanted and obj:
            # The no-JavaScript "record this figure": blank figure rows filled from the finder.
            found = {
                f.key: f.figure
                for f in unrecorded_figures_in(reader_texts(obj), list(obj.figures.all()))
            }
            kwargs["initial"] = [
                {"text": f.text, "value": f.value, "unit": f.unit}
                for f in (found.get(key) for key in wanted)
                if f is not None
            ]
        return kwargs

    # --- History and revert -----------------------------------------------------------------

    def _is_revert(self, request: HttpRequest) -> bool:
        match = request.resolver_match
        return bool(match and match.url_name == "articles_article_simple_history")

    # --- Saving and the workflow buttons ---------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: Article, form: BaseModelForm[Article], change: bool
    ) -> None:
        if not change:
            obj.created_by = staff_member(request)
        if change and self._is_revert(request):
            obj.take_workflow_state_from(Article.objects.get(pk=obj.pk), by=staff_member(request))
        # What the live story's check found before this edit: the gate compares after saving.
        request._sourcing_before = sourcing_desk.problems_before_save(obj)  # type: ignore[attr-defined]  # a per-request value
        if isinstance(form, ArticleAdminForm) and (
            image := form.new_library_image(by=request.user)
        ):
            obj.lead_image = image
        super().save_model(request, obj, form, change)
        if isinstance(form, ArticleAdminForm):
            form.forget_pending_upload()
        autosave.forget(request, obj, was_new=not change)

    def save_related(
        self,
        request: HttpRequest,
        form: BaseModelForm[Article],
        formsets: list[BaseInlineFormSet[Any, Article, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author", None)
        if not change and author and not article.byline_set.exists():
            # A writer's own story carries their byline unless they credited someone else.
            ArticleAuthor.objects.create(article=article, author=author)
        self._apply_workflow_button(request, article)
        if not {"_publish", "_unpublish"} & set(request.POST):
            # Readers see a live story's edits at once: the check gates them as it gates
            # publishing (raises LiveChangeRefused, caught in changeform_view).
            accepted = sourcing_desk.gate_live_change(
                article,
                getattr(request, "_sourcing_before", None),
                reason=request.POST.get("publish_anyway_reason", ""),
                by=staff_member(request),
            )
            if accepted:
                self.message_user(
                    request,
                    format_html(
                        "Saved despite {} new sourcing problem{}, for the reason you gave:"
                        "<ul>{}</ul>",
                        len(accepted),
                        "" if len(accepted) == 1 else "s",
                        sourcing_desk.problem_list(accepted),
                    ),
                    messages.WARNING,
                )
        if key := request.POST.get(sourcing_desk.RECORD_QUOTE):
            quote = sourcing_desk.record_quote(article, key)
            if quote is None:
                self.message_user(
                    request,
                    _("That quote could not be recorded from the text: add it under “Quotes”."),
                    messages.WARNING,
                )
            else:
                source = f", from {quote.source}" if quote.source else "; give its source"
                self.message_user(
                    request,
                    f"Recorded the quote from {quote.person.name}{source}. Check it under "
                    "“Quotes”.",
                )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except sourcing_desk.LiveChangeRefused as refusal:
            # The admin's transaction rolled the edit back. Show the form again with what the
            # editor wrote, the problems, and the reason field asking for a reason.
            request._live_refusal = refusal  # type: ignore[attr-defined]  # read by get_form
            self.message_user(
                request,
                format_html(
                    "Not saved: this change to a live story adds {} sourcing problem{}.<ul>{}</ul>"
                    "Fix them, or give a reason under “Sourcing check” and save again.",
                    len(refusal.problems),
                    "" if len(refusal.problems) == 1 else "s",
                    sourcing_desk.problem_list(refusal.problems),
                ),
                messages.ERROR,
            )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_formset(
        self,
        request: HttpRequest,
        form: BaseModelForm[Article],
        formset: BaseInlineFormSet[Any, Article, Any],
        change: bool,
    ) -> None:
        if formset.model in (Figure, Quote):
            # What each fact said before this save: a correction saved with it keeps it.
            before = getattr(request, "_facts_before", {})
            for subform in formset.initial_forms:
                fact = subform.instance
                if fact.pk:
                    stored = type(fact).objects.filter(pk=fact.pk).first()
                    if stored is not None:
                        before[(type(fact), fact.pk)] = stored
            request._facts_before = before  # type: ignore[attr-defined]  # a per-request value
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            before = getattr(request, "_facts_before", {})
            for correction in formset.new_objects:
                fact = correction.figure or correction.quote
                if fact is None or correction.before_text:
                    continue
                fact.refresh_from_db()
                old = before.get((type(fact), fact.pk), fact)
                correction.before_text, correction.after_text = old.text, fact.text
                correction.before_source, correction.after_source = old.source, fact.source
                if isinstance(fact, Figure):
                    correction.before_value, correction.after_value = old.value, fact.value
                correction.save()

    def _apply_workflow_button(self, request: HttpRequest, article: Article) -> None:
        if "_publish" in request.POST:
            if not self.has_publish_permission(request):
                raise PermissionDenied("Only editors can publish stories.")
            reason = request.POST.get("publish_anyway_reason", "")
            try:
                article.publish(by=staff_member(request), override_reason=reason)
            except UnsourcedStory as refusal:
                # The edits are kept; only going live waits for sources or a reason. The flag
                # tells response_change() and response_add() of this request where to go.
                request._sourcing_refused = True  # type: ignore[attr-defined]  # a per-request flag
                self._report_refusal(request, article, refusal)
            else:
                self._report_publication(request, article)
        elif "_submit_review" in request.POST and article.status == Article.Status.DRAFT:
            article.submit_for_review(by=staff_member(request))
            notices.tell_editors_of_review(article, by=staff_member(request))
            self.message_user(request, _("Submitted for review: an editor will publish it."))
        elif "_unpublish" in request.POST:
            if not self.has_publish_permission(request):
                raise PermissionDenied("Only editors can unpublish stories.")
            article.return_to_draft(by=staff_member(request))
            self.message_user(request, _("Returned to draft: the story is no longer on the site."))

    def _report_refusal(
        self, request: HttpRequest, article: Article, refusal: UnsourcedStory
    ) -> None:
        self.message_user(
            request,
            format_html(
                "Not published: the sourcing check found {} problem{}. Your changes were saved."
                "<ul>{}</ul>Source or record them, or give a reason under “Sourcing check” and "
                "press “Save and publish” again.",
                len(refusal.problems),
                "" if len(refusal.problems) == 1 else "s",
                sourcing_desk.problem_list(refusal.problems),
            ),
            messages.ERROR,
        )

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        if getattr(request, "_sourcing_refused", False) or sourcing_desk.RECORD_QUOTE in (
            request.POST
        ):
            # Back to the story, where the problems and the reason field are.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(
        self, request: HttpRequest, obj: Article, post_url_continue: str | None = None
    ) -> HttpResponse:
        if getattr(request, "_sourcing_refused", False):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def _report_publication(self, request: HttpRequest, article: Article) -> None:
        if article.is_scheduled():
            self.message_user(
                request, f"Scheduled: “{article}” goes live {admin_datetime(article.published_at)}."
            )
        else:
            self.message_user(request, f"Published: “{article}” is live.")

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Article | None = None,
    ) -> HttpResponse:
        form = context["adminform"].form
        if request.method == "POST" and isinstance(form, ArticleAdminForm):
            # Rendering a POSTed form again means the save was refused.
            form.keep_upload_for_next_save()
        context.update(
            autosave=autosave.restore_offer(request, obj, offer=request.method != "POST"),
            can_publish=self.has_publish_permission(request),
            can_submit=obj is None or obj.status == Article.Status.DRAFT,
            is_published=bool(obj and obj.status == Article.Status.PUBLISHED),
            share_preview_url=(
                reverse("admin:articles_article_share_preview", args=[obj.pk])
                if obj and obj.status != Article.Status.PUBLISHED and previews.may_share(request)
                else ""
            ),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Actions ----------------------------------------------------------------------------

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                with transaction.atomic():
                    now = timezone.now().replace(microsecond=0)  # as Article.publish() does
                    article.publish(by=staff_member(request), at=now)
            except ValidationError as error:
                refused.append(
                    format_html(
                        '<a href="{}">“{}”</a>: {}',
                        reverse("admin:articles_article_change", args=[article.pk]),
                        article,
                        " ".join(error.messages),
                    )
                )
            else:
                done += 1
        if done:
            self.message_user(request, f"Published {done} stor{'y' if done == 1 else 'ies'}.")
        if refused:
            self.message_user(
                request,
                format_html(
                    "Not published (open a story to fix it or to publish it anyway with a "
                    "reason): {}",
                    format_html_join("; ", "{}", ((line,) for line in refused)),
                ),
                messages.ERROR,
            )

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        drafts = [a for a in queryset if a.status == Article.Status.DRAFT]
        for article in drafts:
            article.submit_for_review(by=staff_member(request))
            notices.tell_editors_of_review(article, by=staff_member(request))
        self.message_user(request, f"Submitted {len(drafts)} for review.")

    @admin.action(description=_("Return to draft"), permissions=["publish"])
    def return_to_draft(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        stories = [a for a in queryset if a.status != Article.Status.DRAFT]
        for article in stories:
            article.return_to_draft(by=staff_member(request))
        self.message_user(request, f"Returned {len(stories)} to draft.")
