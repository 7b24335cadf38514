"""The media library in the admin: pictures with their words, searched and filtered; the focal
point set by clicking the picture; the widgets the story form chooses and inserts them with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, QuerySet
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.admin.dates import admin_datetime
from articles.models import Article, Image
from articles.permissions import staff_member


class ImageAdminForm(forms.ModelForm):
    # A plain file field, as on the story form: our checks decode the upload, not Django's.
    file = forms.FileField(
        widget=AdminFileWidget, help_text=Image._meta.get_field("file").help_text
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "alt_text",
            "caption",
            "credit",
            "source",
            "licence",
            "focal_x",
            "focal_y",
        ]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }

    def clean_file(self) -> File | None:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            return images.clean_upload(upload)
        return upload


class UseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("lead", "Lead image of a story"), ("unused", "Not a lead image")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Image]) -> QuerySet[Image]:
        if self.value() == "lead":
            return queryset.filter(lead_of__isnull=False).distinct()
        if self.value() == "unused":
            return queryset.filter(lead_of__isnull=True)
        return queryset


def thumbnail(image: Image, width: int = 120) -> SafeString:
    smallest = sorted(image.renditions, key=lambda r: r["width"])
    src = image.storage.url(smallest[0]["jpeg"]) if smallest else image.url
    return format_html(
        '<img class="library-thumbnail" src="{}" alt="{}" width="{}" loading="lazy">',
        src,
        image.alt_text,
        width,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["preview", "alt_text", "caption", "credit", "source", "uses", "uploaded"]
    list_display_links = ["preview", "alt_text"]
    list_select_related = ["uploaded_by"]
    list_filter = [UseFilter, "uploaded_at", "uploaded_by", "licence"]
    search_fields = ["alt_text", "caption", "credit", "source", "licence"]
    date_hierarchy = "uploaded_at"
    list_per_page = 50
    readonly_fields = ["focal_point", "shapes", "uploaded", "stories"]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "caption", "credit"]}),
        ("Rights", {"fields": ["source", "licence"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point", "focal_x", "focal_y", "shapes"],
                "description": "Click the subject of the picture: the 16:9, 4:3 and square "
                "copies used on the front page and in search results are cut around it.",
            },
        ),
        ("Use", {"fields": ["uploaded", "stories"]}),
    ]

    class Media:
        js = ["js/focal-point.js"]
        css = {"all": ["css/story-admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        # Explicitly ordered: a GROUP BY query drops the model's default ordering.
        return (
            super()
            .get_queryset(request)
            .annotate(lead_uses=Count("lead_of"))
            .order_by("-uploaded_at", "-pk")
        )

    def get_urls(self) -> list[URLPattern]:
        figure = path(
            "<int:pk>/figure/",
            self.admin_site.admin_view(self.figure_view),
            name="articles_image_figure",
        )
        return [figure, *super().get_urls()]

    def figure_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """What the story form needs to show a picture and put it in the body."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = get_object_or_404(Image, pk=pk)
        response = JsonResponse(
            {
                "id": image.pk,
                "html": image.figure_html(),
                "thumbnail": thumbnail(image, 160),
                "alt_text": image.alt_text,
                "caption": image.caption,
                "credit": image.credit,
            }
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def save_model(
        self, request: HttpRequest, obj: Image, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            obj.uploaded_by = staff_member(request)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Picture"))
    def preview(self, obj: Image) -> SafeString:
        return thumbnail(obj)

    @admin.display(description=_("Lead of"), ordering="lead_uses")
    def uses(self, obj: Image) -> str:
        count = getattr(obj, "lead_uses", 0)
        return f"{count} stor{'y' if count == 1 else 'ies'}"

    @admin.display(description=_("Uploaded"))
    def uploaded(self, obj: Image) -> str:
        who = obj.uploaded_by
        name = (who.get_full_name() or who.get_username()) if who else "someone"
        return f"{admin_datetime(obj.uploaded_at)} by {name}" if obj.pk else ""

    @admin.display(description=_("Click the subject"))
    def focal_point(self, obj: Image) -> SafeString | str:
        if not obj.pk:
            return "Save the picture first, then click its subject."
        widest = sorted(obj.renditions, key=lambda r: r["width"])
        chosen = [r for r in widest if r["width"] <= 960] or widest
        src = obj.storage.url(chosen[-1]["jpeg"]) if chosen else obj.url
        return format_html(
            '<div class="focal-point" data-x="{}" data-y="{}">'
            '<img src="{}" alt="{}" class="focal-point__image">'
            '<span class="focal-point__marker" aria-hidden="true"></span></div>',
            obj.focal_x,
            obj.focal_y,
            src,
            obj.alt_text,
        )

    @admin.display(description=_("Copies cut around it"))
    def shapes(self, obj: Image) -> SafeString | str:
        if not obj.pk:
            return ""
        return format_html(
            '<div class="library-shapes">{}</div>',
            format_html_join(
                "",
                '<figure><img src="{}" alt="" width="{}"><figcaption>{}</figcaption></figure>',
                (
                    (obj.cut(ratio).url, 160, ratio.replace("x", ":"))
                    for ratio in images.CROP_RATIOS
                ),
            ),
        )

    @admin.display(description=_("Lead image of"))
    def stories(self, obj: Image) -> SafeString | str:
        if not obj.pk:
            return ""
        stories = list(obj.lead_of.order_by("-published_at", "-pk")[:20])
        if not stories:
            return "No story yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:articles_article_change", args=[a.pk]), a.headline)
                    for a in stories
                ),
            ),
        )


class LibraryImageSelect(AutocompleteSelect):
    """The lead image's library box, with the chosen picture shown under it."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        image = Image.objects.filter(pk=value).first() if value else None
        return format_html(
            '{}<div class="library-choice" data-figure-url="{}">{}</div>',
            html,
            reverse("admin:articles_image_figure", args=[0]),
            thumbnail(image, 160) if image else "",
        )


class BodyFigureSelect(AutocompleteSelect):
    """A library box and a button that puts the chosen picture into the body as a figure."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        html = super().render(name, None, attrs, renderer)
        return format_html(
            '<div class="library-figure" data-figure-url="{}">{}'
            '<button type="button" class="button library-figure__insert">'
            "Insert into the body</button>"
            '<span class="library-figure__status" role="status"></span></div>',
            reverse("admin:articles_image_figure", args=[0]),
            html,
        )


def body_figure_field(admin_site: admin.AdminSite) -> forms.ModelChoiceField:
    """The story form's "insert a picture" box (not a story field: nothing is saved from it)."""
    return forms.ModelChoiceField(
        queryset=Image.objects.all(),
        required=False,
        label=_("Picture for the body"),
        help_text=_(
            "Choose a picture from the media library, put the cursor where it belongs "
            "in the body, then press “Insert into the body”: it goes in with its caption and "
            "credit, which you can edit there."
        ),
        widget=BodyFigureSelect(Article._meta.get_field("lead_image"), admin_site),
    )
