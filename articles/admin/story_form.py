"""The story's change form: the version guard, the lead-image upload (kept across a refused
save), the tag box that suggests existing tags, and the "record this figure" links' parameter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import BaseRenderer
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget

from articles import images, pending_uploads
from articles.admin.dates import admin_datetime
from articles.admin.media import body_figure_field
from articles.models import Article, Image
from articles.pending_uploads import PendingUpload


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

# The hidden input naming an upload kept from a refused save (articles/pending_uploads.py).
PENDING_LEAD_IMAGE = "pending_lead_image"
DROP_PENDING = "pending_lead_image_drop"


class PendingImageWidget(AdminFileWidget):
    """The file input, plus the upload kept from a refused save: shown, and carried on."""

    pending: PendingUpload | None = None
    pending_url = ""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        html = super().render(name, value, attrs, renderer)
        if self.pending is None:
            return html
        return format_html(
            '{}<div class="pending-upload"><img src="{}" alt="" width="160">'
            "<p>The image you uploaded is kept and will be used when the story is saved. "
            "Choose another file to replace it, or "
            '<label><input type="checkbox" name="{}"> drop it</label>.</p>'
            '<input type="hidden" name="{}" value="{}"></div>',
            html,
            self.pending_url,
            DROP_PENDING,
            PENDING_LEAD_IMAGE,
            self.pending.token,
        )


class ArticleAdminForm(forms.ModelForm):
    # The version the editor loaded; a save against a newer version is refused instead of
    # silently overwriting a colleague's work.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A plain file field: Django's ImageField would let Pillow try every format it knows on
    # the upload before our own checks run (and answer a bomb with a vague message).
    lead_image_upload = forms.FileField(
        label=_("Or upload a new image"),
        required=False,
        widget=PendingImageWidget,
        help_text=f"{Image._meta.get_field('file').help_text} It goes into the media library "
        "with the alt text, caption and credit below, and replaces the image chosen above.",
    )
    # The body's "insert a picture" box: a form field only, nothing is saved from it.
    body_figure = body_figure_field(admin.site)
    # Read only by the "Save and publish" button, and only from editors (Article.publish()).
    publish_anyway_reason = forms.CharField(
        label=_("Publish anyway because"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if the sourcing check above lists problems and the story must go live "
            "now: say why. The reason, your name and the time are kept in the story's history. "
            "Used only with “Save and publish”."
        ),
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
            "lead_image_upload",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "published_at",
            "comment_mode",
            "comments_close_at",
            "featured_position",
        ]

    # The staff member using the form, set by ArticleAdmin.get_form(): pending uploads are
    # theirs alone.
    user_id: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fresh_upload: File | None = None  # cleaned in this request, not yet stored
        self.pending: PendingUpload | None = None  # kept from an earlier, refused save
        if "tags" in self.fields:
            self.fields["tags"].widget = SuggestingTagWidget(
                suggest_url=reverse("admin:articles_article_tag_suggestions")
            )
        if self.instance.pk and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = self.instance.version

    def clean_lead_image_upload(self) -> File | None:
        # What FileField.clean() gives: a new upload, or None.
        upload = self.cleaned_data.get("lead_image_upload")
        storage = Image._meta.get_field("file").storage
        if self.user_id is not None:
            self.pending = pending_uploads.find(
                self.data.get(PENDING_LEAD_IMAGE, ""), user_id=self.user_id, storage=storage
            )
        if isinstance(upload, UploadedFile):
            self.fresh_upload = images.clean_upload(upload)
            return self.fresh_upload
        if self.data.get(DROP_PENDING) and self.pending is not None:
            pending_uploads.discard(self.pending, storage)
            self.pending = None
        if self.pending is None:
            return None
        # No new file: the one kept from the refused save is the upload.
        return pending_uploads.take(self.pending, storage)

    @cached_property
    def changed_data(self) -> list[str]:
        changed = list(super().changed_data)
        if self.pending is not None and "lead_image_upload" not in changed:
            changed.append("lead_image_upload")
        return changed

    def keep_upload_for_next_save(self) -> None:
        """The form was refused: keep its image so the corrected form can use it."""
        storage = Image._meta.get_field("file").storage
        if self.fresh_upload is not None and self.user_id is not None:
            if self.pending is not None:
                pending_uploads.discard(self.pending, storage)
            self.pending = pending_uploads.keep(
                self.fresh_upload, user_id=self.user_id, storage=storage
            )
            self.fresh_upload = None
        if self.pending is not None and "lead_image_upload" in self.fields:
            widget = self.fields["lead_image_upload"].widget
            widget.pending = self.pending
            widget.pending_url = self.pending.url(storage)

    def new_library_image(self, *, by: Any) -> Image | None:
        """The uploaded image, added to the library with the story's words for it."""
        upload = self.cleaned_data.get("lead_image_upload")
        if not upload:
            return None
        return Image.objects.create(
            file=upload,
            alt_text=self.cleaned_data.get("lead_image_alt", ""),
            caption=self.cleaned_data.get("lead_image_caption", ""),
            credit=self.cleaned_data.get("lead_image_credit", ""),
            uploaded_by=by,
        )

    def forget_pending_upload(self) -> None:
        """The story was saved with its own copy of the image; the pending one can go."""
        if self.pending is not None:
            pending_uploads.discard(self.pending, Image._meta.get_field("file").storage)
            self.pending = None

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
        if (
            self.cleaned_data.get("lead_image_upload")
            and not (self.cleaned_data.get("lead_image_alt") or "").strip()
        ):
            self.add_error("lead_image_alt", "Describe the image for readers who cannot see it.")

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
        when = admin_datetime(last.history_date) if last else ""
        raise ValidationError(
            f"This story was changed by {who} at {when} after you opened it. Your changes were "
            "not saved: reload the page to see the latest version, then make your edits again.",
            code="stale",
        )
