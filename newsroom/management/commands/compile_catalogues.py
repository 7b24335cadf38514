"""`manage.py compile_catalogues`: locale/*/django.po → .mo, in Python (newsroom/catalogues.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsroom.catalogues import compile_stale


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/*/LC_MESSAGES/django.po) to .mo files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile even if up to date.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        done = compile_stale(force=force)
        for catalogue in done:
            self.stdout.write(f"Compiled {catalogue.po}")
        if not done:
            self.stdout.write("Every catalogue is up to date.")
