"""Print the figures a story file quotes: `manage.py find_figures story.html [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.figures import find_figures, looks_like_html, text_from_html


class Command(BaseCommand):
    help = "List the numbers quoted in a plain-text or HTML file, as the sourcing check sees them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A UTF-8 text or HTML file.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print a JSON array of {text, value, unit, qualifier, start, end, sentence}.",
        )

    def handle(self, *args: object, path: str, json: bool = False, **options: object) -> None:
        text = read_text(Path(path))
        if looks_like_html(text):
            text = text_from_html(text)
        figures = find_figures(text)
        if json:
            self.stdout.write(_dumps([figure.as_json() for figure in figures]))
            return
        for figure in figures:
            unit = f" {figure.unit}" if figure.unit else ""
            self.stdout.write(
                f"{figure.start}-{figure.end}\t{figure.text}\t= {figure.as_json()['value']}{unit}"
                f"\t{figure.sentence}"
            )
        if not figures:
            self.stderr.write("No figures found.")


def _dumps(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def read_text(path: Path) -> str:
    """The file's text, or a one-line CommandError (exit code 1, no traceback) saying why not."""
    if not path.exists():
        raise CommandError(f"No such file: {path}")
    if path.is_dir():
        raise CommandError(f"{path} is a directory, not a file.")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
    if b"\x00" in data[:8192]:
        raise CommandError(f"{path} is not a text file (it looks binary).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save it as UTF-8 and try again.") from None
