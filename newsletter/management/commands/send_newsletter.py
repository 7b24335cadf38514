"""Send the approved newsletter editions (deploy/newsroom-newsletter.timer runs this).

Safe to stop and start again at any point: nobody receives an edition twice
(newsletter/sending.py). The progress bar shows only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from newsletter import sending
from newsletter.models import Edition


class Command(BaseCommand):
    help = "Send every approved edition (or --edition N) to its confirmed subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edition", type=int, help="Send only this edition (its id).")

    def handle(self, *args: object, **options: object) -> None:
        editions = sending.due_editions()
        if options["edition"] is not None:
            editions = [e for e in editions if e.pk == options["edition"]]
            if not editions:
                raise CommandError(
                    f"Edition {options['edition']} is not approved for sending, or is sent."
                )
        if not editions:
            self.stdout.write("No edition to send.")
            return
        for edition in editions:
            self._bar: tqdm | None = None
            try:
                report = sending.send_edition(edition, progress=self._progress(edition))
            finally:
                if self._bar is not None:
                    self._bar.close()
            if report.held:
                # Said in words, and the run goes on with the other editions.
                self.stderr.write(
                    f"Edition {edition.pk} is held and was not sent: {report.held} "
                    f"{report.sent} sent before it stopped, {report.remaining} remaining."
                )
                continue
            self.stdout.write(
                f"Edition {edition.pk} ({edition.subject}): {report.sent} sent, "
                f"{report.failed} refused by the server, {report.remaining} remaining."
            )
            if report.unknown:
                self.stdout.write(
                    f"  {report.unknown} recipient(s) of an interrupted run may or may not "
                    "have received it; they are not sent it again."
                )

    def _progress(self, edition: Edition) -> Callable[[int], Callable[[int], None]]:
        def start(total: int) -> Callable[[int], None]:
            bar = self._bar = tqdm(
                total=total,
                unit="msg",
                desc=f"Edition {edition.pk}",
                file=sys.stderr,
                disable=not self.stdout.isatty(),
            )
            return bar.update

        return start
