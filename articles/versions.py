"""A story's versions as editors read them: each save of the story with the figures, quotes,
sources and corrections it had until the next save, and the differences between any two
versions in words.

django-simple-history keeps a row per save of the story and of each of those related rows.
An admin save writes the story first and its inlines after it, so a version spans from its
own save to the next one: the rows written in between are that version's. (A related row
changed outside the story form, in a shell, joins the version before it.) Everything is
loaded in a fixed number of queries, however long the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from articles.models import Article, ArticleSource, Correction, Figure, Quote, Section
from articles.wording import Piece, count_words, reader_text, word_diff

# The story's fields an editor changes, in the form's order, with the names editors know.
# Anything else (updated_at, version, derived counts, WordPress ids) is bookkeeping: never
# reported as a change.
TEXT_FIELDS = {
    "headline": "Headline",
    "standfirst": "Standfirst",
    "body": "Body",
    "lead_image_alt": "Alt text of the lead image",
    "lead_image_caption": "Caption of the lead image",
    "lead_image_credit": "Credit of the lead image",
    "sourcing_override_reason": "Reason for publishing despite the sourcing check",
}
VALUE_FIELDS = {
    "slug": "Address (slug)",
    "section_id": "Section",
    "lead_image": "Lead image",
    "status": "Status",
    "published_at": "Publication time",
    "comment_mode": "Comments",
    "comments_close_at": "Comments close at",
    "featured_position": "Front-page position",
}
# A text change up to this long is quoted whole in the history list; longer ones are counted.
SHORT = 160
FIELD_ORDER = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "section_id",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "status",
    "published_at",
    "comment_mode",
    "comments_close_at",
    "featured_position",
    "sourcing_override_reason",
]


def _figure(row: Any) -> str:
    about = f" — {row.counts}" if row.counts else ""
    source = f" (source: {row.source.title})" if row.source_id and row.source else ""
    return f"{row.text}{about}{source}"


def _quote(row: Any) -> str:
    who = row.person.name if row.person_id and row.person else "someone"
    return f"{who}: “{row.text}”"


def _source(row: Any) -> str:
    return row.source.title if row.source_id and row.source else f"source {row.source_id}"


def _correction(row: Any) -> str:
    if row.kind == Correction.Kind.CORRECTION:
        return str(row.text)
    return f"({Correction.Kind(row.kind).label}) {row.text}"


@dataclass(frozen=True)
class RelatedKind:
    name: str  # "figure"
    plural: str
    model: type[Model]
    describe: Callable[[Any], str]
    related: tuple[str, ...] = ()


RELATED = [
    RelatedKind("figure", "figures", Figure, _figure, ("source",)),
    RelatedKind("quote", "quotes", Quote, _quote, ("person",)),
    RelatedKind("source", "sources", ArticleSource, _source, ("source",)),
    RelatedKind("correction", "corrections", Correction, _correction),
]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    pieces: list[Piece] | None = None  # word differences, for text

    def is_short(self) -> bool:
        """Short enough to quote whole in the history list (a headline, a caption)."""
        return len(self.old) <= SHORT and len(self.new) <= SHORT and "\n" not in self.old + self.new

    def words(self) -> str:
        if self.pieces is None:
            return ""
        added, removed = count_words(self.pieces, "added"), count_words(self.pieces, "removed")
        parts = [
            f"{n} word{'s' if n != 1 else ''} {what}"
            for n, what in ((added, "added"), (removed, "removed"))
            if n
        ]
        return ", ".join(parts)


@dataclass
class RowChange:
    kind: RelatedKind
    op: str  # "added", "removed", "changed"
    text: str
    pieces: list[Piece] | None = None


@dataclass
class Comparison:
    older: Version
    newer: Version
    fields: list[FieldChange]
    rows: list[RowChange]

    def is_empty(self) -> bool:
        return not self.fields and not self.rows


@dataclass
class Version:
    record: Any  # a HistoricalArticle row
    number: int
    until: dt.datetime | None
    related: dict[str, dict[int, str]] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    url: str = ""  # the version's own page (open, revert), set by the admin

    @property
    def history_id(self) -> int:
        return int(self.record.history_id)

    def who(self) -> str:
        user = self.record.history_user
        if user is None:
            return "The system (an import or a command)"
        return str(user.get_full_name() or user.get_username())

    def when(self) -> str:
        return str(date_filter(timezone.localtime(self.record.history_date), "j M Y, H:i"))


class StoryHistory:
    """Every version of one story, oldest first in `versions`."""

    def __init__(self, article_id: int) -> None:
        records = list(
            Article.history.filter(id=article_id)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        section_ids = {r.section_id for r in records}
        self.sections = dict(Section.objects.filter(pk__in=section_ids).values_list("pk", "name"))
        self.versions = [
            Version(record, number, records[number].history_date if number < len(records) else None)
            for number, record in enumerate(records, start=1)
        ]
        self.first_recorded: dict[str, dict[int, dt.datetime]] = {}
        for kind in RELATED:
            self._spread(kind, article_id)
        for previous, version in zip([None, *self.versions], self.versions, strict=False):
            version.summary = self._summarise(previous, version)

    def _spread(self, kind: RelatedKind, article_id: int) -> None:
        """Give each version the rows of `kind` that stood when it was replaced."""
        manager = kind.model.history  # type: ignore[attr-defined]  # added by HistoricalRecords
        rows = list(
            manager.filter(article_id=article_id)
            .select_related(*kind.related)
            .order_by("history_date", "history_id")
        )
        first = self.first_recorded.setdefault(kind.name, {})
        present: dict[int, str] = {}
        index = 0
        for version in self.versions:
            while index < len(rows) and (
                version.until is None or rows[index].history_date < version.until
            ):
                row = rows[index]
                first.setdefault(row.id, row.history_date)
                if row.history_type == "-":
                    present.pop(row.id, None)
                else:
                    present[row.id] = kind.describe(row)
                index += 1
            version.related[kind.name] = dict(present)

    def get(self, history_id: int) -> Version | None:
        return next((v for v in self.versions if v.history_id == history_id), None)

    def newest_first(self) -> list[Version]:
        return list(reversed(self.versions))

    # --- Differences ---------------------------------------------------------------------

    def compare(self, older: Version, newer: Version) -> Comparison:
        if older.number > newer.number:
            older, newer = newer, older
        return Comparison(
            older, newer, self._field_changes(older, newer), self._row_changes(older, newer)
        )

    def _field_changes(self, older: Version, newer: Version) -> list[FieldChange]:
        changes = []
        for name in FIELD_ORDER:
            old, new = getattr(older.record, name), getattr(newer.record, name)
            if name == "body":
                old, new = reader_text(old), reader_text(new)
            if old == new or (not old and not new):
                continue
            if name in TEXT_FIELDS:
                changes.append(
                    FieldChange(TEXT_FIELDS[name], old or "", new or "", word_diff(old, new))
                )
            else:
                changes.append(
                    FieldChange(VALUE_FIELDS[name], self._show(name, old), self._show(name, new))
                )
        return changes

    def _show(self, name: str, value: Any) -> str:
        if value in (None, ""):
            return "none"
        if name == "section_id":
            return str(self.sections.get(value, f"a deleted section ({value})"))
        if name == "status":
            return str(Article.Status(value).label)
        if name == "comment_mode":
            return str(Article.CommentMode(value).label)
        if isinstance(value, dt.datetime):
            return str(date_filter(timezone.localtime(value), "j M Y, H:i:s"))
        return str(value)

    def _row_changes(self, older: Version, newer: Version) -> list[RowChange]:
        changes = []
        for kind in RELATED:
            before, after = older.related[kind.name], newer.related[kind.name]
            for pk, text in after.items():
                if pk not in before:
                    changes.append(RowChange(kind, "added", text))
                elif before[pk] != text:
                    changes.append(RowChange(kind, "changed", text, word_diff(before[pk], text)))
            changes.extend(
                RowChange(kind, "removed", text) for pk, text in before.items() if pk not in after
            )
        return changes

    def _summarise(self, previous: Version | None, version: Version) -> list[str]:
        """What this save changed, in words, for the history list."""
        if previous is None:
            counts = [
                f"{len(rows)} {kind.name if len(rows) == 1 else kind.plural}"
                for kind in RELATED
                if (rows := version.related[kind.name])
            ]
            return ["Story created" + (f" with {', '.join(counts)}" if counts else "")]
        comparison = self.compare(previous, version)
        lines = []
        for change in comparison.fields:
            if change.pieces is not None and change.is_short():
                old = f"“{change.old}”" if change.old else "none"
                lines.append(
                    f"{change.label}: {old} → “{change.new}”"
                    if change.new
                    else f"{change.label}: {old} → none"
                )
            elif change.pieces is not None:
                words = change.words()
                lines.append(f"{change.label}: {words}" if words else f"{change.label} changed")
            else:
                lines.append(f"{change.label}: {change.old} → {change.new}")
        for row in comparison.rows:
            lines.append(f"{row.kind.name.capitalize()} {row.op}: {row.text}")
        return lines

    # --- What a revert would leave behind -------------------------------------------------

    def recorded_after(self, version: Version) -> dict[str, list[str]]:
        """Corrections and figures the story has now that were first recorded after `version`
        was replaced: restoring its text leaves them, and they may contradict it."""
        if version.until is None:
            return {}
        current = self.versions[-1].related
        later: dict[str, list[str]] = {}
        for kind in RELATED:
            if kind.name not in {"correction", "figure"}:
                continue
            first = self.first_recorded.get(kind.name, {})
            texts = [
                text
                for pk, text in current[kind.name].items()
                if pk not in version.related[kind.name]
                and first.get(pk, version.until) >= version.until
            ]
            if texts:
                later[kind.plural] = texts
        return later
