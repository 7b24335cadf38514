"""Server-side cleaning of story bodies.

The allow-list comes from the same extension configuration that drives the editor
(`settings.PROSE_EDITOR_EXTENSIONS`), so what an editor can make is exactly what survives a
save. Anything else — pasted Word/Docs markup, scripts, styles, event handlers,
`javascript:` links — is removed before it reaches the database. A picture in the body must
come from our own media (the library's copies): any other address is dropped, so a pasted
image can neither load from someone else's server (tracking readers) nor break later.
"""

import re
from functools import cache

import nh3
from django.conf import settings
from django.core.files.storage import default_storage
from django_prose_editor.config import allowlist_from_extensions, expand_extensions


@cache
def _cleaner() -> nh3.Cleaner:
    allow = allowlist_from_extensions(expand_extensions(settings.PROSE_EDITOR_EXTENSIONS))
    attributes = dict(allow["attributes"])
    # The editor may write rel=…; we set it ourselves so a pasted rel cannot vouch for a link.
    attributes["a"] = {"href", "title"}
    return nh3.Cleaner(
        tags=set(allow["tags"]),
        attributes=attributes,
        url_schemes=set(allow["url_schemes"]),
        link_rel="noopener",
        strip_comments=True,
        attribute_filter=_own_pictures_only,
    )


_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


@cache
def _media_prefix() -> str:
    # Where the storage serves files from: /media/ on disk, the bucket's address on S3.
    return default_storage.url("library/x.jpg").split("?", 1)[0].removesuffix("library/x.jpg")


def _own_pictures_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(_media_prefix()) and ".." not in value else None
    return value


def clean_body(html: str) -> str:
    """Return `html` with everything outside the story allow-list removed."""
    cleaned = _cleaner().clean(html or "").strip()
    # An image whose address was dropped above would show as a broken picture.
    cleaned = _IMAGE_WITHOUT_SOURCE.sub("", cleaned)
    # ProseMirror always sends one empty paragraph; an empty body should be empty.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
