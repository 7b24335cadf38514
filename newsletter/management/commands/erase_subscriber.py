"""Erase a newsletter subscriber on request (the right to erasure)."""

from django.core.management.base import BaseCommand, CommandParser

from newsletter.privacy import erase


class Command(BaseCommand):
    help = (
        "Delete the newsletter subscriber EMAIL with their subscriptions and the record of "
        "the editions sent to them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, **options: object) -> None:
        deleted = erase(str(options["email"]))
        self.stdout.write(f"Erased {deleted} row(s)." if deleted else "No such subscriber.")
