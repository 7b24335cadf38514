"""Copy the live SQLite database to a file with SQLite's online backup API.

A plain file copy of a WAL database can miss committed pages still in the -wal file or catch
a page mid-write; the backup API copies a consistent snapshot while the site keeps serving.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Back up the SQLite database to DEST (a file, or a folder for a time-stamped file). "
        "For PostgreSQL use pg_dump; see docs/deployment.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="Backup file, or an existing folder to write into.")
        parser.add_argument(
            "--pages",
            type=int,
            default=1024,
            help="Pages copied per step; the site may write between steps (default 1024).",
        )

    def handle(self, *args: object, dest: str, pages: int, **options: object) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "backup_db backs up SQLite only. For PostgreSQL run: "
                'pg_dump --format=custom --file=newsroom.dump "$DATABASE_URL"'
            )
        if pages < 1:
            raise CommandError("--pages must be at least 1.")
        source_path = Path(connection.settings_dict["NAME"])
        if not source_path.exists():
            raise CommandError(f"No database at {source_path}: run `manage.py migrate` first.")
        target = Path(dest)
        if target.is_dir():
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            target = target / f"newsroom-{stamp}.sqlite3"
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        if target.resolve() == source_path.resolve():
            raise CommandError("The backup cannot overwrite the live database.")

        partial = target.with_name(target.name + ".partial")
        try:
            self._copy(source_path, partial, pages)
            os.replace(partial, target)  # a reader of DEST never sees a half-written file
        except sqlite3.Error as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Backup failed: {error}") from None
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Could not write {target}: {error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"Backed up {source_path} to {target}"))

    def _copy(self, source_path: Path, target: Path, pages: int) -> None:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=20)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=pages)
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(f"integrity check of the copy said {result!r}")
        finally:
            copy.close()
            source.close()
