"""Erase a reader's comments on request (the right to erasure)."""

from django.core.management.base import BaseCommand, CommandParser

from comments.privacy import erase


class Command(BaseCommand):
    help = (
        "Anonymise every comment posted with EMAIL: name, e-mail and address hash are removed "
        "and the text becomes '[removed]'. With --delete the comments are deleted instead, "
        "except those with replies, which stay as '[removed]' so the replies keep their place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--delete", action="store_true", help="Delete instead of anonymise.")

    def handle(self, *args: object, **options: object) -> None:
        count = erase(str(options["email"]), delete=bool(options["delete"]))
        self.stdout.write(f"Erased {count} comment(s).")
