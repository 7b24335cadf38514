"""Remove images kept from refused saves that nobody came back for (articles/pending_uploads.py)."""

from typing import Any

from django.core.management.base import BaseCommand

from articles import pending_uploads
from articles.models import Image


class Command(BaseCommand):
    help = "Delete pending lead-image uploads older than a day (their tokens have expired)."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = Image._meta.get_field("file").storage
        removed = pending_uploads.purge(storage)
        self.stdout.write(f"Removed {removed} pending upload{'s' if removed != 1 else ''}.")
