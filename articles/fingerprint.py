"""A fingerprint of the code that renders pages, for the keys of everything cached as HTML.

The page cache (newsroom/pagecache.py) and the comment-thread fragment (comments/threads.py)
both put it in their keys, so a deploy never serves HTML the old code or templates rendered.
It reads files, not modules: it imports nothing from the apps it fingerprints.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings


@functools.cache
def code_fingerprint() -> str:
    """The deployed code and templates, so a deploy never serves pages the old code rendered.

    Read once per process from file sizes and times; every worker of one deploy agrees.
    """
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("newsroom", "articles", "comments", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html"}:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:12]
