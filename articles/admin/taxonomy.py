"""Tags, sections, authors and old story addresses in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.models import Tag

from articles import images
from articles.models import (
    ArticleRedirect,
    Author,
    Section,
)

# taggit's own admin lets anyone who may *see* tags merge them (its action and its
# merge-tags page check no permission), which re-tags every story, published ones included.
# Merging is changing tags: editors only (found by the permissions matrix).
admin.site.unregister(Tag)


@admin.register(Tag)
class NewsroomTagAdmin(TagAdmin):
    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("render_tag_form", None)
        return actions

    def merge_tags_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if not request.session.get("selected_tag_ids"):
            # Reached without choosing tags first: taggit would fail on the empty choice.
            self.message_user(request, _("Choose the tags to merge first."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:taggit_tag_changelist"))
        return super().merge_tags_view(request)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AuthorAdminForm(forms.ModelForm):
    # As for lead images (story_form.py): a plain file field, so our checks run before any
    # decoder, and the photo is re-encoded without EXIF (a phone's GPS position included)
    # under a random name.
    photo = forms.FileField(
        required=False,
        widget=AdminFileWidget,
        help_text=Author._meta.get_field("photo").help_text,
    )

    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "photo", "user"]

    def clean_photo(self) -> object:
        upload = self.cleaned_data.get("photo")
        if isinstance(upload, UploadedFile):
            return images.clean_upload(upload)
        return upload


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Author, form: forms.Form, change: bool) -> None:
        replaced = change and "photo" in form.changed_data
        old_photo = Author.objects.get(pk=obj.pk).photo if replaced else None
        super().save_model(request, obj, form, change)
        if old_photo and old_photo.name != obj.photo.name:
            # The old portrait is no one's any more; a removed photo must not stay online.
            old_photo.storage.delete(old_photo.name)


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_path", "article__headline"]
    autocomplete_fields = ["article"]
