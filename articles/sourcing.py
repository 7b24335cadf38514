"""The sourcing check: what in a story is not yet backed by a source.

`Article.publish()` runs it (admin button, "Publish now" action, scheduling, scripts). A story
with problems goes live only when an editor gives a written reason (see `Article.publish`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from articles.figures import FoundFigure, find_figures_in_html, text_from_html
from articles.links import links_in

if TYPE_CHECKING:
    from articles.models import Article, Figure

# Link text that stands in for an address still to be found: "LINK", "[link]", "TK", "URL".
PLACEHOLDER_TEXT = re.compile(
    r"^[\[(<{]*\s*(?:link(?:\s+here)?|url|tk|tbc|xx+|href)\s*[\])>}]*$", re.I
)
# The same placeholders typed into the text instead of linked: "(LINK)", "[LINK]", "LINK TK".
PLACEHOLDER_IN_TEXT = re.compile(r"[\[(]\s*LINK\s*[\])]|\bLINK\s+TK\b|\bLINK\s*\?\?+")


class ProblemKind(StrEnum):
    UNSOURCED_FIGURE = "unsourced_figure"
    UNSOURCED_QUOTE = "unsourced_quote"
    UNRECORDED_FIGURE = "unrecorded_figure"
    LINK_PLACEHOLDER = "link_placeholder"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return self.message


class UnsourcedStory(ValidationError):
    """Raised by `Article.publish()`: the check found problems and no reason was given."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([f"Sourcing check: {problem}" for problem in problems], code="unsourced")


def sourcing_problems(article: Article) -> list[Problem]:
    """Everything an editor must source, record or fix before the story can go live unexcused."""
    problems: list[Problem] = []
    figures = list(article.figures.all()) if article.pk else []
    for figure in figures:
        if figure.source_id is None:
            what = f" ({figure.counts})" if figure.counts else ""
            problems.append(
                Problem(
                    ProblemKind.UNSOURCED_FIGURE,
                    f"The figure “{figure.text}”{what} has no source.",
                )
            )
    if article.pk:
        for quote in article.quotes.select_related("person").filter(source__isnull=True):
            problems.append(
                Problem(
                    ProblemKind.UNSOURCED_QUOTE,
                    f"The quote from {quote.person.name} has no source.",
                )
            )
    for found in unrecorded_figures(article.body, figures):
        problems.append(
            Problem(
                ProblemKind.UNRECORDED_FIGURE,
                f"“{found.text}” in “{_shorten(found.sentence)}” is not recorded as a figure.",
            )
        )
    for text in link_placeholders(article.body):
        problems.append(
            Problem(ProblemKind.LINK_PLACEHOLDER, f"The link “{text}” has no address yet.")
        )
    return problems


def unrecorded_figures(body: str, recorded: list[Figure]) -> list[FoundFigure]:
    """Numbers in the body that no recorded figure stands for.

    A recorded figure stands for a number when it has the same text as written, or the same
    value with no conflicting unit ("£4.2 million" recorded as 4200000 GBP). One record covers
    every repetition of the same number.
    """
    _, found = find_figures_in_html(body)
    texts = {_squash(figure.text) for figure in recorded}
    values = [(Decimal(figure.value), figure.unit.lower()) for figure in recorded]
    missing: list[FoundFigure] = []
    seen: set[str] = set()
    for figure in found:
        key = _squash(figure.text)
        if key in texts or key in seen:
            continue
        if any(
            value == figure.value and (not unit or not figure.unit or unit == figure.unit.lower())
            for value, unit in values
        ):
            continue
        seen.add(key)
        missing.append(figure)
    return missing


def link_placeholders(body: str) -> list[str]:
    """Links without an address, or whose text is a placeholder, and typed "(LINK)" markers."""
    found = []
    for link in links_in(body):
        href = (link.href or "").strip()
        if not href or href == "#" or PLACEHOLDER_TEXT.match(link.text):
            found.append(link.text or "(empty link)")
    # "(<a>LINK</a>)" is one placeholder, not a linked one and a typed one.
    linked = {_bare(link.text) for link in links_in(body)}
    found.extend(
        match.group()
        for match in PLACEHOLDER_IN_TEXT.finditer(text_from_html(body))
        if _bare(match.group()) not in linked
    )
    return found


def _bare(text: str) -> str:
    return re.sub(r"[\[\]()\s]", "", text).lower()


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def _shorten(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
