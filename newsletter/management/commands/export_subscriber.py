"""Print everything held about a newsletter subscriber as JSON (the right of access)."""

import json

from django.core.management.base import BaseCommand, CommandParser

from newsletter.privacy import export


class Command(BaseCommand):
    help = "Print the newsletter subscriptions and deliveries held for EMAIL as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(json.dumps(export(str(options["email"])), ensure_ascii=False, indent=2))
