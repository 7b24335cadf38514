"""Forget personal data moderation no longer needs (run daily)."""

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comments.privacy import purge

UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_age(value: str) -> dt.timedelta:
    match = re.fullmatch(r"(\d{1,5})([dhw]?)", value.strip())
    if not match:
        raise CommandError(
            f"--older-than takes a number of days such as 90d (or 12h, 4w); got {value!r}."
        )
    return dt.timedelta(**{UNITS[match.group(2) or "d"]: int(match.group(1))})


class Command(BaseCommand):
    help = (
        "Remove the e-mail addresses of rejected and spam comments, and every address hash, "
        "once older than --older-than (default 90d)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", default="90d", help="e.g. 90d, 12h or 4w")

    def handle(self, *args: object, **options: object) -> None:
        counts = purge(older_than=parse_age(str(options["older_than"])))
        self.stdout.write(
            f"Removed {counts['emails']} e-mail address(es), {counts['address_hashes']} comment "
            f"address hash(es) and {counts['flag_hashes']} flag address hash(es)."
        )
