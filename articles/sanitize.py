"""Server-side cleaning of story bodies.

The allow-list comes from the same extension configuration that drives the editor
(`settings.PROSE_EDITOR_EXTENSIONS`), so what an editor can make is exactly what survives a
save. Anything else — pasted Word/Docs markup, scripts, styles, event handlers,
`javascript:` links — is removed before it reaches the database.
"""

from functools import cache

import nh3
from django.conf import settings
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
    )


def clean_body(html: str) -> str:
    """Return `html` with everything outside the story allow-list removed."""
    cleaned = _cleaner().clean(html or "").strip()
    # ProseMirror always sends one empty paragraph; an empty body should be empty.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
