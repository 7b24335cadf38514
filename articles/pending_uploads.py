"""Uploads kept across a refused save.

A browser cannot put a file back into a file input, so when the story form is refused (alt
text missing, a stale version, a bad inline row) the image an editor just uploaded would be
lost. Instead its cleaned copy (already checked and re-encoded by `articles.images`) is
stored under ``pending/`` and the re-rendered form carries a signed token naming it; the
corrected form, sent without a new file, uses that copy. The token is bound to the staff
member who uploaded it and expires after a day, so nobody can claim another person's file.
Pending files are written only when a form is refused, and removed once used;
`purge_pending_uploads` removes the ones left by editors who gave up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils import timezone

FOLDER = "pending"
MAX_AGE = dt.timedelta(days=1)
_SALT = "articles.pending-upload"


@dataclass(frozen=True)
class PendingUpload:
    token: str
    name: str  # the storage name, under pending/

    def url(self, storage: Storage) -> str:
        return storage.url(self.name)


def keep(cleaned: File, *, user_id: int, storage: Storage) -> PendingUpload:
    """Store a cleaned upload as pending for `user_id` and return its token."""
    cleaned.seek(0)
    name = storage.save(f"{FOLDER}/{PurePosixPath(cleaned.name or 'upload').name}", cleaned)
    token = signing.dumps({"name": name, "user": user_id}, salt=_SALT)
    return PendingUpload(token=token, name=name)


def find(token: str, *, user_id: int, storage: Storage) -> PendingUpload | None:
    """The pending upload a token names, if it is genuine, this user's, recent and still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    name = data.get("name", "") if isinstance(data, dict) else ""
    if data.get("user") != user_id or not name.startswith(f"{FOLDER}/") or ".." in name:
        return None
    if not storage.exists(name):
        return None
    return PendingUpload(token=token, name=name)


def take(pending: PendingUpload, storage: Storage) -> ContentFile:
    """The pending file's content under its own (random) name, ready to be saved for good."""
    with storage.open(pending.name, "rb") as handle:
        return ContentFile(handle.read(), name=PurePosixPath(pending.name).name)


def discard(pending: PendingUpload, storage: Storage) -> None:
    storage.delete(pending.name)


def purge(storage: Storage, *, older_than: dt.timedelta = MAX_AGE) -> int:
    """Delete pending files older than their tokens can live; returns how many went."""
    try:
        _, names = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed += 1
    return removed
