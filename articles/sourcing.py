"""The sourcing check: what in a story is not yet backed by a source.

`Article.publish()` runs it (admin button, "Publish now" action, scheduling, scripts), and so
does saving a live story in the admin. A story with blocking problems goes live, or a live
story takes the change, only when an editor gives a written reason (see `Article.publish`).

Everything readers see is scanned: the headline, standfirst, body, lead-image caption and
credit. Problems are of the kinds in `ProblemKind`; advice (`ADVICE`) is shown to the editor
but never holds a story back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from articles import figures as figure_finder
from articles import quotes as quote_detector
from articles.figures import FoundFigure, find_figures, text_from_html
from articles.links import external_links
from articles.placeholders import (
    body_placeholders,
    link_placeholders,
    typed_placeholders,
    vague_links,
)
from articles.quotes import FoundQuote, covers, find_quotes

if TYPE_CHECKING:
    from articles.models import Article, Figure, Quote


class ProblemKind(StrEnum):
    UNSOURCED_FIGURE = "unsourced_figure"
    UNSOURCED_QUOTE = "unsourced_quote"
    UNRECORDED_FIGURE = "unrecorded_figure"
    UNRECORDED_QUOTE = "unrecorded_quote"
    LINK_PLACEHOLDER = "link_placeholder"
    # Advice: readers cannot tell where a link whose words are "LINK" or "here" goes.
    VAGUE_LINK_TEXT = "vague_link_text"
    # Advice: a linked site whose publisher is not in the registry yet (asked once a site).
    UNKNOWN_PUBLISHER = "unknown_publisher"
    # Advice: the figure finder or quote detector does not read the site's language, so the
    # story's numbers or quotes were not looked for (NEWSROOM_LANGUAGE; see LANGUAGES there).
    CHECK_UNAVAILABLE = "check_unavailable"


ADVICE = frozenset(
    {ProblemKind.VAGUE_LINK_TEXT, ProblemKind.UNKNOWN_PUBLISHER, ProblemKind.CHECK_UNAVAILABLE}
)


def reads_figures() -> bool:
    """Whether the figure finder reads the site's language (English only for now)."""
    return figure_finder.understands(settings.LANGUAGE_CODE)


def reads_quotes() -> bool:
    """Whether the quote detector reads the site's language (English only for now)."""
    return quote_detector.understands(settings.LANGUAGE_CODE)


def language_name() -> str:
    """The site's language in its own words ("español", "العربيّة"): the editors who read
    this advice work in that language."""
    try:
        info = translation.get_language_info(settings.LANGUAGE_CODE)
    except KeyError:
        return settings.LANGUAGE_CODE
    return str(info["name_local"])


def unavailable_checks() -> list[Problem]:
    """Advice, in place of findings the finder and detector cannot make in this language."""
    problems = []
    if not reads_figures():
        problems.append(
            Problem(
                ProblemKind.CHECK_UNAVAILABLE,
                _(
                    "The figure check is not available in %(language)s: numbers in the text "
                    "are not looked for, so record each figure by hand (advice)."
                )
                % {"language": language_name()},
            )
        )
    if not reads_quotes():
        problems.append(
            Problem(
                ProblemKind.CHECK_UNAVAILABLE,
                _(
                    "The quote check is not available in %(language)s: quoted speech in the "
                    "text is not looked for, so record each quote by hand (advice)."
                )
                % {"language": language_name()},
            )
        )
    return problems


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    subject: str = ""  # what the problem is about, for the admin's action (a web host)

    def __str__(self) -> str:
        return self.message

    @property
    def blocking(self) -> bool:
        """Whether it holds the story back (advice does not)."""
        return self.kind not in ADVICE


class UnsourcedStory(ValidationError):
    """Raised by `Article.publish()`: the check found problems and no reason was given."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([f"Sourcing check: {problem}" for problem in problems], code="unsourced")


# The fields readers see, in the order the check reports them, with how messages name them.
READER_FIELDS = [
    ("headline", "the headline"),
    ("standfirst", "the standfirst"),
    ("body", "the body"),
    ("lead_image_caption", "the lead image caption"),
    ("lead_image_credit", "the lead image credit"),
]


@dataclass(frozen=True)
class Found:
    """A figure or a quote found in one of the texts readers see."""

    where: str  # a field of READER_FIELDS
    item: FoundFigure | FoundQuote

    @property
    def key(self) -> str:
        """What a "record this" link names: "12-25" in the body, "headline:0-7" elsewhere."""
        span = f"{self.item.start}-{self.item.end}"
        return span if self.where == "body" else f"{self.where}:{span}"

    @property
    def figure(self) -> FoundFigure:
        assert isinstance(self.item, FoundFigure), "a quote, not a figure"
        return self.item

    @property
    def quote(self) -> FoundQuote:
        assert isinstance(self.item, FoundQuote), "a figure, not a quote"
        return self.item

    @property
    def place(self) -> str:
        return dict(READER_FIELDS)[self.where]


def reader_texts(article: Article) -> list[tuple[str, str]]:
    """(field, plain text) for each text readers see; the body one block per line."""
    texts = []
    for name, _label in READER_FIELDS:
        value = getattr(article, name, "") or ""
        texts.append((name, text_from_html(value) if name == "body" else value))
    return texts


def sourcing_problems(article: Article, *, advice: bool = True) -> list[Problem]:
    """Everything an editor must source, record or fix before the story goes live unexcused,
    then (with `advice`) the advice. Two queries (figures, quotes with their people), and one
    for the linked sources' publishers with advice; none of them if prefetched."""
    problems: list[Problem] = []
    figures = _recorded(article, "figures")
    quotes = _recorded(article, "quotes")
    texts = reader_texts(article)
    for figure in figures:
        if figure.source_id is None:
            what = f" ({figure.counts})" if figure.counts else ""
            problems.append(
                Problem(
                    ProblemKind.UNSOURCED_FIGURE,
                    f"The figure “{figure.text}”{what} has no source.",
                )
            )
    for quote in quotes:
        if quote.source_id is None:
            problems.append(
                Problem(
                    ProblemKind.UNSOURCED_QUOTE,
                    f"The quote from {quote.person.name} “{_shorten(quote.text, 60)}” has no "
                    "source.",
                )
            )
    for found in unrecorded_figures_in(texts, figures):
        figure = found.figure
        where = "" if found.where == "body" else f" in {found.place}"
        problems.append(
            Problem(
                ProblemKind.UNRECORDED_FIGURE,
                f"“{figure.text}”{where} in “{_shorten(figure.sentence)}” is not recorded as a "
                "figure.",
            )
        )
    for found in unrecorded_quotes_in(texts, quotes):
        quote = found.quote
        who = f" from {quote.speaker}" if quote.speaker else ""
        where = "" if found.where == "body" else f" in {found.place}"
        problems.append(
            Problem(
                ProblemKind.UNRECORDED_QUOTE,
                f"The quote{who} “{_shorten(quote.text, 80)}”{where} is not recorded as a quote.",
            )
        )
    for text in link_placeholders(article.body):
        problems.append(
            Problem(ProblemKind.LINK_PLACEHOLDER, f"The link “{text}” has no address yet.")
        )
    for name, value in texts:
        if name == "body":
            placeholders = body_placeholders(article.body)
        else:
            placeholders = typed_placeholders(value)
        for placeholder in placeholders:
            after = f" after “{placeholder.context}”" if placeholder.context else ""
            where = "" if name == "body" else f" in {dict(READER_FIELDS)[name]}"
            problems.append(
                Problem(
                    ProblemKind.LINK_PLACEHOLDER,
                    f"The placeholder “{placeholder.text}”{after}{where} is not linked yet.",
                )
            )
    if not advice:
        return problems
    problems.extend(unavailable_checks())
    for text in vague_links(article.body):
        problems.append(
            Problem(
                ProblemKind.VAGUE_LINK_TEXT,
                f"Readers cannot tell where the link “{text}” goes: name the source in its "
                "words instead (advice; it does not hold the story back).",
            )
        )
    for host in unregistered_hosts(article):
        problems.append(
            Problem(
                ProblemKind.UNKNOWN_PUBLISHER,
                f"Who publishes {host}? Name its publisher in the registry once, and every "
                "link to it cites that publisher (advice).",
                subject=host,
            )
        )
    return problems


def blocking_problems(article: Article) -> list[Problem]:
    """The problems that hold a story back: everything but advice."""
    return sourcing_problems(article, advice=False)


def unregistered_hosts(article: Article) -> list[str]:
    """The web hosts the story's body links to whose publisher is not registered, each once."""
    if not article.pk:
        return []
    cache = getattr(article, "_prefetched_objects_cache", {})
    links = cache.get("source_links")
    if links is None:
        links = article.source_links.select_related("source").filter(source__issued_by__isnull=True)
    hosts: list[str] = []
    for link in links:
        source = link.source
        if source.issued_by_id is None and link.origin == "body" and source.normalized_url:
            host = (urlsplit(source.normalized_url).hostname or "").removeprefix("www.")
            if host and host not in hosts:
                hosts.append(host)
    return hosts


def unrecorded_figures(body: str, recorded: list[Figure]) -> list[FoundFigure]:
    """Numbers in the body that no recorded figure stands for (see `unrecorded_figures_in`)."""
    found = unrecorded_figures_in([("body", text_from_html(body))], recorded)
    return [f.figure for f in found]


def unrecorded_figures_in(texts: list[tuple[str, str]], recorded: list[Figure]) -> list[Found]:
    """Numbers in the texts that no recorded figure stands for.

    A recorded figure stands for a number when it has the same text as written, or the same
    value with no conflicting unit ("£4.2 million" recorded as 4200000 GBP). One record covers
    every repetition of the same number, in the headline as in the body. None in a language
    the finder does not read: `unavailable_checks()` says so instead.
    """
    if not reads_figures():
        return []
    known = {_squash(figure.text) for figure in recorded}
    values = [(Decimal(figure.value), figure.unit.lower()) for figure in recorded]
    missing: list[Found] = []
    for name, text in texts:
        for figure in find_figures(text):
            key = _squash(figure.text)
            if key in known:
                continue
            if any(
                value == figure.value
                and (not unit or not figure.unit or unit == figure.unit.lower())
                for value, unit in values
            ):
                continue
            known.add(key)
            missing.append(Found(name, figure))
    return missing


def unrecorded_quotes_in(texts: list[tuple[str, str]], recorded: list[Quote]) -> list[Found]:
    """Quoted speech in the texts that no recorded quote covers, each passage once; none in a
    language the detector does not read (`unavailable_checks()` says so)."""
    if not reads_quotes():
        return []
    known = [quote.text for quote in recorded]
    missing: list[Found] = []
    for name, text in texts:
        for quote in find_quotes(text):
            if any(covers(words, quote.text) for words in known):
                continue
            known.append(quote.text)
            missing.append(Found(name, quote))
    return missing


def unrecorded_quotes(article: Article) -> list[Found]:
    return unrecorded_quotes_in(reader_texts(article), _recorded(article, "quotes"))


def paragraph_links(body: str, quote: FoundQuote) -> list[str]:
    """The addresses linked in the body paragraph that holds a quote: where it was said."""
    wanted = _squash(quote.text)[:60]
    for _tag, paragraph in re.findall(r"<(p|li|blockquote)\b[^>]*>(.*?)</\1>", body or "", re.S):
        if wanted in _squash(text_from_html(paragraph)):
            return [link.href for link in external_links(paragraph).values()]
    return []


def _recorded(article: Article, name: str) -> list:
    if not article.pk:
        return []
    cache = getattr(article, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    manager = getattr(article, name)
    return list(manager.select_related("person") if name == "quotes" else manager.all())


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def _shorten(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
