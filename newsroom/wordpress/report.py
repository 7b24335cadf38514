"""What an import did, for the person running it: counts by kind and outcome, and lists.

Every part of the importer (`importer.py`, `authors.py`, `media.py`, `comments.py`) adds to
one `ImportReport`; the `import_wordpress` command prints it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.text import Truncator

from newsroom.wordpress.export import WxrPost


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One thing the editor should know about, e.g. ('post 101 "Ferry fares"', 'why')."""

    what: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    dry_run: bool = False
    site_title: str = ""
    # kind ("stories", "comments", …) → outcome → count
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[ReportLine] = field(default_factory=list)
    missing_images: list[ReportLine] = field(default_factory=list)
    failed: list[ReportLine] = field(default_factory=list)
    notes: list[ReportLine] = field(default_factory=list)
    # (story label, figures the finder sees) for every story written in this run
    figures: list[tuple[str, int]] = field(default_factory=list)

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        if number:
            self.counts[kind][outcome] += number

    @property
    def changed_anything(self) -> bool:
        return any(
            counter[Outcome.CREATED] or counter[Outcome.UPDATED] for counter in self.counts.values()
        )


def post_label(post: WxrPost) -> str:
    title = Truncator(post.title or "(untitled)").chars(60)
    return f'post {post.wordpress_id} "{title}"'
