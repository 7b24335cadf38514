"""Featured images for an import: read from the uploads folder given, never from the internet.

An image is matched by the attachment's path inside the uploads folder, cleaned like an
editor's upload (`articles/images.py`) and named by the original's digest, so a later import
recognises the same picture and writes nothing. A missing or unusable file is reported and
the story goes in without it.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.text import Truncator

from articles import images
from articles.models import Article
from newsroom.wordpress.export import WxrAttachment, WxrExport, WxrPost
from newsroom.wordpress.report import ImportReport, Outcome, ReportLine, post_label


@dataclass(frozen=True, slots=True)
class FeaturedImage:
    """A featured image found in the uploads folder, read but not yet cleaned."""

    attachment: WxrAttachment
    data: bytes
    digest: str


def find_image(
    post: WxrPost, *, export: WxrExport, uploads: Path | None, report: ImportReport
) -> FeaturedImage | None:
    """The featured image's bytes from the uploads folder; None (reported) if not there.

    `uploads` is already resolved, so that a path leading out of it is caught below.
    """
    if post.thumbnail_id is None:
        return None
    label = post_label(post)
    attachment = export.featured_image(post)
    if attachment is None:
        _missing(report, label, f"attachment {post.thumbnail_id} is not in the export")
        return None
    if not attachment.attached_file:
        _missing(report, label, f"the export gives no safe path for {attachment.url or 'it'}")
        return None
    if uploads is None:
        _missing(report, label, f"{attachment.attached_file}: no --uploads folder was given")
        return None
    path = (uploads / attachment.attached_file).resolve()
    if not path.is_relative_to(uploads):
        # A symbolic link inside the uploads folder pointing elsewhere.
        _missing(report, label, f"{attachment.attached_file} leads outside the uploads folder")
        return None
    try:
        with path.open("rb") as file:
            data = file.read(images.MAX_BYTES + 1)
    except FileNotFoundError:
        _missing(report, label, f"{attachment.attached_file} is not in the uploads folder")
        return None
    except OSError as error:
        _missing(report, label, f"{attachment.attached_file} cannot be read ({error.strerror})")
        return None
    return FeaturedImage(attachment=attachment, data=data, digest=hashlib.sha256(data).hexdigest())


def _missing(report: ImportReport, label: str, reason: str) -> None:
    report.missing_images.append(ReportLine(label, reason))


def attach_image(
    article: Article,
    post: WxrPost,
    image: FeaturedImage | None,
    *,
    report: ImportReport,
    dry_run: bool,
) -> list[dict] | None:
    """Set the lead image, caption and alt text; the old renditions when it is new."""
    if image is None:
        return None
    attachment = image.attachment
    article.lead_image_caption = Truncator(attachment.caption).chars(300)
    alt = attachment.alt_text or attachment.caption or attachment.title
    if not attachment.alt_text:
        report.notes.append(
            ReportLine(
                post_label(post),
                "the featured image has no alt text in WordPress; its caption or title "
                "was used, check it",
            )
        )
    article.lead_image_alt = Truncator(alt or article.headline).chars(300)
    # Named by the original's digest so that a later import recognises the same picture.
    stem = f"wp-{image.digest[:20]}"
    if article.lead_image and PurePosixPath(article.lead_image.name).stem.startswith(stem):
        return None
    try:
        cleaned = images.clean_upload(
            ContentFile(image.data, name=PurePosixPath(attachment.attached_file).name)
        )
    except ValidationError as error:
        _missing(
            report, post_label(post), f"{attachment.attached_file}: {' '.join(error.messages)}"
        )
        return None
    report.count("images", Outcome.CREATED)
    if dry_run:
        return None  # checked, but a dry run writes no files
    old_renditions = list(article.lead_image_renditions)
    old_name = article.lead_image.name if article.lead_image else ""
    extension = PurePosixPath(cleaned.name or "").suffix  # clean_upload() always names it
    article.lead_image = ContentFile(cleaned.read(), name=f"{stem}{extension}")
    if old_name:
        storage = article.lead_image.storage
        transaction.on_commit(lambda: delete_files(storage, [old_name]))
    return old_renditions


def make_renditions(article: Article, old_renditions: list[dict], new_files: list[str]) -> None:
    """Write the new lead image's renditions, adding every file written to `new_files`."""
    storage = article.lead_image.storage
    new_files.append(article.lead_image.name)
    renditions = images.make_renditions(article.lead_image.name, storage)
    new_files.extend(r[key] for r in renditions for key in ("webp", "jpeg"))
    article.lead_image_renditions = renditions
    Article.objects.filter(pk=article.pk).update(lead_image_renditions=renditions)
    if old_renditions:
        transaction.on_commit(lambda: images.delete_renditions(old_renditions, storage))


def delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(name)
