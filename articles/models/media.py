"""The media library: pictures uploaded once, described once, and used by any number of stories
(as a lead image, or as a figure inside the body)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Self

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import images


@dataclass(frozen=True)
class Cut:
    """One shape of a picture, ready for an <img>: the largest copy and both srcsets."""

    url: str
    width: int | None
    height: int | None
    srcset: str
    srcset_webp: str


class Image(models.Model):
    file = models.ImageField(
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text=_(
            "JPEG, PNG, WebP or GIF up to 15 MB and 40 megapixels. Location data is "
            "removed and smaller copies are made for phones."
        ),
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Derived from the file when it is saved (articles/images.py): the whole picture at
    # several widths for srcset, and the crops around the focal point.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    crops = models.JSONField(default=dict, blank=True, editable=False)
    alt_text = models.CharField(
        max_length=300,
        help_text=_(
            "What the image shows, for readers who cannot see it. Stories using it may "
            "word it for their own context."
        ),
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Shown under the image, unless a story has its own."),
    )
    credit = models.CharField(
        max_length=200, blank=True, help_text=_("Photographer or agency, e.g. 'Photo: A. Name'.")
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Where the picture comes from (staff, agency, reader, handout). Editors only."),
    )
    licence = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What we may do with it: 'Own work', 'Agency licence, web only', 'CC BY 4.0'…"),
    )
    focal_x = models.FloatField(
        default=0.5,
        help_text=_(
            "Where the subject is, from the left edge (0) to the right (1); crops keep it."
        ),
    )
    focal_y = models.FloatField(
        default=0.5, help_text=_("Where the subject is, from the top (0) to the bottom (1).")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_at", "id"], name="image_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
                violation_error_message="The focal point must lie inside the picture.",
            )
        ]

    def __str__(self) -> str:
        size = f" ({self.width}×{self.height})" if self.width else ""
        credit = f" — {self.credit}" if self.credit else ""
        return f"{self.alt_text or self.file.name}{credit}{size}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The renditions and crops are columns derived from this row, made as part of writing
        # it (never per request): a new file makes both, a moved focal point only the crops.
        loaded_file, *loaded_focal = getattr(self, "_loaded", ("", None, None))
        super().save(*args, **kwargs)
        new_file = loaded_file != self.file.name or not self.renditions
        if not new_file and tuple(loaded_focal) == self.focal and self.crops:
            return
        stale = _files_of(self.renditions if new_file else [], self.crops)
        if new_file and loaded_file and loaded_file != self.file.name:
            # The replaced original too: nothing refers to it any more (on S3 it would be a
            # paid-for orphan).
            stale.append(loaded_file)
        if new_file:
            self.renditions = images.make_renditions(self.file.name, self.storage)
        self.crops = images.make_crops(self.file.name, self.storage, self.focal)
        Image.objects.filter(pk=self.pk).update(renditions=self.renditions, crops=self.crops)
        self._loaded = self._derived_from()
        storage = self.storage
        transaction.on_commit(lambda: images.delete_renditions(stale_renditions(stale), storage))

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._loaded = instance._derived_from()
        return instance

    def _derived_from(self) -> tuple[str, float, float]:
        return (self.file.name or "", self.focal_x, self.focal_y)

    @property
    def url(self) -> str:
        return self.file.url

    @property
    def storage(self) -> Storage:
        return self.file.storage

    @property
    def focal(self) -> tuple[float, float]:
        return (self.focal_x, self.focal_y)

    def crop(self, ratio: str) -> list[dict[str, Any]]:
        """The renditions cut to `ratio` ("16x9", "4x3", "1x1"); the whole picture's if the
        crops are not made (yet)."""
        return list(self.crops.get(ratio) or self.renditions)

    def cut(self, ratio: str | None = None) -> Cut:
        """The picture cut to `ratio` (None: the whole picture) for a template."""
        renditions = sorted(
            self.crop(ratio) if ratio else self.renditions, key=lambda r: r["width"]
        )
        if not renditions:
            return Cut(self.url, self.width, self.height, "", "")
        widest = renditions[-1]
        return Cut(
            url=self.storage.url(widest["jpeg"]),
            width=widest["width"],
            height=widest["height"],
            srcset=images.srcset(renditions, self.storage, "jpeg"),
            srcset_webp=images.srcset(renditions, self.storage, "webp"),
        )

    def figure_html(self, *, caption: str | None = None) -> str:
        """The body figure the editor inserts: the 960-wide copy, alt text, caption and credit."""
        widest = [r for r in sorted(self.renditions, key=lambda r: r["width"]) if r["width"] <= 960]
        chosen = widest[-1] if widest else None
        src = self.storage.url(chosen["jpeg"]) if chosen else self.url
        width = chosen["width"] if chosen else self.width
        height = chosen["height"] if chosen else self.height
        words = " ".join(part for part in (caption or self.caption, self.credit) if part)
        return format_html(
            '<figure class="figure"><img src="{}" alt="{}" width="{}" height="{}">'
            "<figcaption>{}</figcaption></figure>",
            src,
            self.alt_text,
            width,
            height,
            words,
        )


def _forget_files(sender: type[Image], instance: Image, **kwargs: Any) -> None:
    # A picture taken out of the library takes its original, renditions and crops with it,
    # once the deletion commits (a rolled-back delete keeps everything).
    names = [instance.file.name, *_files_of(instance.renditions or [], instance.crops or {})]
    storage = instance.storage
    transaction.on_commit(
        lambda: images.delete_renditions(stale_renditions([n for n in names if n]), storage)
    )


models.signals.post_delete.connect(_forget_files, sender=Image, dispatch_uid="image-files-go")


def _files_of(
    renditions: list[dict[str, Any]], crops: dict[str, list[dict[str, Any]]]
) -> list[str]:
    names = [r[key] for r in renditions for key in ("webp", "jpeg") if r.get(key)]
    for cut in crops.values():
        names += [r[key] for r in cut for key in ("webp", "jpeg") if r.get(key)]
    return names


def stale_renditions(names: list[str]) -> list[dict[str, Any]]:
    """Names in the shape `images.delete_renditions` takes."""
    return [{"jpeg": name} for name in names]
