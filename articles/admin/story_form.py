"""The story's change form: the version guard, the lead-image upload, the tag box that
suggests existing tags, and the "record this figure" links' parameter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import BaseRenderer
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from taggit.forms import TagWidget

from articles import images
from articles.models import Article


class SuggestingTagWidget(TagWidget):
    """The comma-separated tag box, with existing tags suggested as the editor types."""

    def __init__(self, suggest_url: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.suggest_url = suggest_url

    class Media:
        js = ["js/tag-suggest.js"]

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        list_id = f"{(attrs or {}).get('id', 'id_' + name)}-suggestions"
        attrs = {**(attrs or {}), "list": list_id, "data-suggest-url": self.suggest_url}
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


RECORD_FIGURE = "record_figure"


class ArticleAdminForm(forms.ModelForm):
    # The version the editor loaded; a save against a newer version is refused instead of
    # silently overwriting a colleague's work.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A plain file field: Django's ImageField would let Pillow try every format it knows on
    # the upload before our own checks run (and answer a bomb with a vague message).
    lead_image = forms.FileField(
        required=False,
        widget=AdminFileWidget,
        help_text=Article._meta.get_field("lead_image").help_text,
    )
    # Read only by the "Save and publish" button, and only from editors (Article.publish()).
    publish_anyway_reason = forms.CharField(
        label="Publish anyway because",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if the sourcing check above lists problems and the story must go live "
        "now: say why. The reason, your name and the time are kept in the story's history. "
        "Used only with “Save and publish”.",
    )

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"].widget = SuggestingTagWidget(
                suggest_url=reverse("admin:articles_article_tag_suggestions")
            )
        if self.instance.pk and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_lead_image(self) -> File | bool | None:
        # What FileField.clean() gives: a new upload, the stored file, False to clear, or None.
        upload = self.cleaned_data.get("lead_image")
        if isinstance(upload, UploadedFile):
            return images.clean_upload(upload)
        return upload

    def clean_published_at(self) -> Any:
        # The date and time boxes show whole seconds; a stored time with microseconds (stories
        # published before publish() rounded) comes back without them. The same second is the
        # same time: keep the stored one rather than log a change nobody made.
        value = self.cleaned_data.get("published_at")
        stored = self.instance.published_at
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value

    # Set by ArticleAdmin.get_form when saving a live story was refused for new problems.
    live_refusal: list[Any] = []

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.live_refusal and not self.cleaned_data.get("publish_anyway_reason", "").strip():
            self.add_error(
                "publish_anyway_reason",
                "This story is live and the change adds sourcing problems (listed above): fix "
                "them, or say here why it must go out as it is.",
            )
        if self.instance.pk and "loaded_version" in self.fields:
            self._refuse_stale_save(self.cleaned_data.get("loaded_version"))
        return self.cleaned_data

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
