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
from articles.models import Article, Image
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
    new_files: list[str],
) -> None:
    """Set the lead image (a picture of the media library), caption and alt text.

    Every file written is added to `new_files`, so a post that fails afterwards leaves none.
    """
    if image is None:
        return
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
    current = article.lead_image if article.lead_image_id else None
    if current is not None and PurePosixPath(current.file.name).stem.startswith(stem):
        return
    try:
        cleaned = images.clean_upload(
            ContentFile(image.data, name=PurePosixPath(attachment.attached_file).name)
        )
    except ValidationError as error:
        _missing(
            report, post_label(post), f"{attachment.attached_file}: {' '.join(error.messages)}"
        )
        return
    report.count("images", Outcome.CREATED)
    if dry_run:
        return  # checked, but a dry run writes no files
    picture = Image.objects.filter(file__contains=f"/{stem}").first()
    if picture is None:
        extension = PurePosixPath(cleaned.name or "").suffix  # clean_upload() always names it
        picture = Image.objects.create(
            file=ContentFile(cleaned.read(), name=f"{stem}{extension}"),
            alt_text=article.lead_image_alt,
            caption=article.lead_image_caption,
            source="Imported from WordPress",
        )
        new_files.append(picture.file.name)
        new_files.extend(
            r[key]
            for cut in (picture.renditions, *picture.crops.values())
            for r in cut
            for key in ("webp", "jpeg")
        )
    article.lead_image = picture
    if current is not None and PurePosixPath(current.file.name).stem.startswith("wp-"):
        # The picture WordPress no longer gives this post goes too, unless another story
        # uses it: it came with the import, nobody chose it from the library.
        transaction.on_commit(lambda: _drop_if_unused(current))


def _drop_if_unused(picture: Image) -> None:
    if Article.objects.filter(lead_image=picture).exists():
        return
    storage = picture.storage
    names = [picture.file.name] + [
        r[key]
        for cut in (picture.renditions, *picture.crops.values())
        for r in cut
        for key in ("webp", "jpeg")
    ]
    picture.delete()
    delete_files(storage, names)


def delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(name)
