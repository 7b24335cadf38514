"""The newsletter page in the page cache: it shows the active lists, so it carries their tag,
and a list saved or deleted bumps it (connected in apps.py). Nothing else of the app is on a
cached page: the sign-up box is the same text for every list, and subscribers, editions and
deliveries are on no reader page, so a sign-up or a send invalidates nothing."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from articles import page_tags

NEWSLETTERS = "newsletters"


def _lists_changed(sender: type, **kwargs: Any) -> None:
    page_tags.bump_after_commit([NEWSLETTERS])


def connect() -> None:
    from newsletter.models import Newsletter

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_lists_changed, sender=Newsletter, dispatch_uid=f"newsletter-lists-{name}")
