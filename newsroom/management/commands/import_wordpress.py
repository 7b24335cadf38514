"""`manage.py import_wordpress EXPORT.xml`: move a WordPress site's stories into Newsroom.

Reading is `newsroom/wordpress/wxr.py`, writing is `newsroom/wordpress/importer.py`; this
command checks its arguments, shows a progress bar on a terminal and prints the report.
Anything wrong with the file or the arguments is one line on stderr and exit status 1, never a
traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.models import Section
from newsroom.wordpress.export import WxrError, WxrPost
from newsroom.wordpress.importer import import_wordpress
from newsroom.wordpress.report import ImportReport, Outcome, ReportLine
from newsroom.wordpress.wxr import parse_wxr

# The report's kinds, in the order an editor reads them.
KINDS = ["authors", "users", "sections", "stories", "comments", "images", "redirects", "sources"]


class Command(BaseCommand):
    help = (
        "Import stories, bylines, sections, tags, featured images and comments from a "
        "WordPress export file (Tools → Export). Running it again updates what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="The .xml file WordPress exported.")
        parser.add_argument(
            "--uploads",
            type=Path,
            metavar="DIR",
            help="The site's wp-content/uploads folder; featured images are read from it "
            "(never downloaded).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what the import would do and write nothing.",
        )
        parser.add_argument(
            "--default-section",
            metavar="SLUG",
            help="The existing section for posts that are only in WordPress's Uncategorized.",
        )
        parser.add_argument(
            "--create-users",
            action="store_true",
            help="Also make a staff account (no role, no password yet) for each WordPress "
            "author; without it authors become bylines only.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["export"]
        if not path.is_file():
            raise CommandError(f"There is no export file at {path}.")
        uploads: Path | None = options["uploads"]
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"There is no uploads folder at {uploads}.")
        default_section = None
        if slug := options["default_section"]:
            default_section = Section.objects.filter(slug=slug).first()
            if default_section is None:
                raise CommandError(
                    f"There is no section with the slug {slug!r}; add it in the admin first."
                )
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"Reading {path} …")
        try:
            export = parse_wxr(path)
        except WxrError as error:
            raise CommandError(str(error)) from error
        report = import_wordpress(
            export,
            uploads=uploads,
            default_section=default_section,
            create_users=options["create_users"],
            dry_run=options["dry_run"],
            progress=self._progress,
        )
        if verbose:
            self._print(report)

    def _progress(self, posts: list[WxrPost]) -> Iterable[WxrPost]:
        return tqdm(
            posts,
            unit="post",
            desc="Importing",
            file=sys.stderr,
            disable=not self.stdout.isatty(),
        )

    def _print(self, report: ImportReport) -> None:
        write = self.stdout.write
        site = f" from {report.site_title}" if report.site_title else ""
        if report.dry_run:
            write(self.style.WARNING(f"Dry run{site}: nothing was written. The import would:"))
        else:
            write(self.style.SUCCESS(f"Imported{site}:"))
        for kind in [*KINDS, *sorted(set(report.counts) - set(KINDS))]:
            counter = report.counts.get(kind)
            if not counter:
                continue
            numbers = ", ".join(
                f"{counter[outcome]:,} {outcome}"
                for outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED)
                if counter[outcome]
            )
            write(f"  {kind}: {numbers}")
        if not report.changed_anything and not report.failed:
            write("  Everything was unchanged since the last import.")
        self._section("Failed, rolled back (fix and run again)", report.failed, self.style.ERROR)
        self._section("Missing or unusable featured images", report.missing_images)
        self._section("Skipped", report.skipped)
        self._section("Notes", report.notes)
        with_figures = [(label, count) for label, count in report.figures if count]
        if with_figures:
            write(f"Figures to source ({len(with_figures):,} stories):")
            for label, count in with_figures:
                write(f"  {label}: {count} figure{'s' if count != 1 else ''}")

    def _section(
        self, title: str, lines: list[ReportLine], style: Callable[[str], str] | None = None
    ) -> None:
        if not lines:
            return
        heading = f"{title} ({len(lines):,}):"
        self.stdout.write(style(heading) if style else heading)
        for line in lines:
            self.stdout.write(f"  {line.what}: {line.reason}")
