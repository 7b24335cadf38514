"""The sourcing check in the story admin: the report with its "record this figure" links and
"record this quote" buttons, recording a quote in one click, the gate on saving a live story,
and the story list's sourcing column."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify

from articles import consistency
from articles.admin.story_form import RECORD_FIGURE
from articles.figures import format_decimal
from articles.links import normalize_url
from articles.models import Article, Person, Quote, Source
from articles.quotes import FoundQuote
from articles.sourcing import (
    Found,
    Problem,
    ProblemKind,
    blocking_problems,
    paragraph_links,
    reader_texts,
    sourcing_problems,
    unrecorded_figures_in,
    unrecorded_quotes,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The submit button of a "record this quote": its value names the quote found (Found.key).
RECORD_QUOTE = "_record_quote"


class LiveChangeRefused(Exception):
    """Saving a live story would add problems and no reason was given: the save is undone."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} new sourcing problems")


def problem_list(problems: list[Problem]) -> SafeString:
    """One list of problems, each item marked with its kind (advice looks like advice)."""
    return format_html_join(
        "",
        '<li class="sourcing-{}">{}{}</li>',
        ((("advice" if not p.blocking else "problem"), str(p), _action(p)) for p in problems),
    )


def _action(problem: Problem) -> SafeString | str:
    if problem.kind == ProblemKind.UNKNOWN_PUBLISHER and problem.subject:
        return format_html(
            ' <a class="button" href="{}?{}" target="_blank" rel="noopener">Name its publisher</a>',
            reverse("admin:articles_publisher_add"),
            urlencode({"domain": problem.subject}),
        )
    return ""


def report(article: Article) -> SafeString | str:
    """The "Sourcing check" field of the change form."""
    if not article.pk:
        return "Save the story first."
    problems = sourcing_problems(article)
    disputes = consistency.disagreements(article, list(article.figures.select_related("metric")))
    if not problems and not disputes:
        return "None: every figure and quote has a source and every number is recorded."
    texts = reader_texts(article)
    figures = unrecorded_figures_in(texts, list(article.figures.all()))
    quotes = unrecorded_quotes(article)
    shown = [
        p
        for p in problems
        if p.kind not in {ProblemKind.UNRECORDED_FIGURE, ProblemKind.UNRECORDED_QUOTE}
    ]
    parts = [format_html('<ul class="sourcing-problems">{}</ul>', problem_list(shown))]
    if disputes:
        parts.append(
            format_html(
                "<p>Figures our other stories give differently (check which is right):</p>"
                '<ul class="sourcing-problems">{}</ul>',
                format_html_join(
                    "",
                    '<li class="sourcing-advice">{} <a href="{}" target="_blank" rel="noopener">'
                    'Read it</a> · <a href="{}">Edit it</a></li>',
                    (
                        (
                            d.message(),
                            d.theirs.article.get_absolute_url(),
                            reverse("admin:articles_article_change", args=[d.theirs.article_id]),
                        )
                        for d in disputes
                    ),
                ),
            )
        )
    if figures:
        parts.append(
            format_html(
                "<p>Numbers readers see, not yet recorded as figures:</p>"
                '<ul class="sourcing-problems">{}</ul>',
                format_html_join("", "{}", ((_figure_item(found),) for found in figures)),
            )
        )
    if quotes:
        parts.append(
            format_html(
                '<p>Quotes readers see, not yet recorded:</p><ul class="sourcing-problems">{}</ul>',
                format_html_join("", "{}", ((_quote_item(found),) for found in quotes)),
            )
        )
    return format_html("{}" * len(parts), *parts)


def _figure_item(found: Found) -> SafeString:
    figure = found.figure
    where = "" if found.where == "body" else format_html(" (in {})", found.place)
    return format_html(
        '<li class="sourcing-problem">“{}”{} — <q>{}</q> <a class="record-figure button" '
        'href="?{}={}#figures-group" data-text="{}" data-value="{}" data-unit="{}">'
        "Record this figure</a></li>",
        figure.text,
        where,
        figure.sentence,
        RECORD_FIGURE,
        found.key,
        figure.text,
        format_decimal(figure.value),
        figure.unit,
    )


def _quote_item(found: Found) -> SafeString:
    quote = found.quote
    who = format_html(" — {}{}", quote.speaker, f", {quote.role}" if quote.role else "")
    where = "" if found.where == "body" else format_html(" (in {})", found.place)
    return format_html(
        '<li class="sourcing-problem"><q>{}</q>{}{} <button type="submit" class="record-quote '
        'button" name="{}" value="{}" title="Saves the story and records this quote{}">'
        "Record this quote</button></li>",
        quote.text,
        who if quote.speaker else "",
        where,
        RECORD_QUOTE,
        found.key,
        f" from {quote.speaker}" if quote.speaker else "",
    )


def record_quote(article: Article, key: str) -> Quote | None:
    """Record the quote the detector found at `key`, with its speaker, role and the source
    linked in its paragraph; None if the story no longer holds it there or names no one."""
    found = next((f for f in unrecorded_quotes(article) if f.key == key), None)
    if found is None:
        return None
    quote = found.quote
    if not quote.speaker:
        return None
    with transaction.atomic():
        person = _person_named(quote.speaker)
        return Quote.objects.create(
            article=article,
            person=person,
            role=quote.role[:200],
            text=quote.text,
            source=_source_linked_beside(article, quote),
        )


def _person_named(name: str) -> Person:
    name = name[:200]
    person = Person.objects.filter(name__iexact=name).first()
    if person is not None:
        return person
    base = slugify(name)[:190] or "speaker"
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Person.objects.create(name=name, slug=slug)


def _source_linked_beside(article: Article, quote: FoundQuote) -> Source | None:
    for href in paragraph_links(article.body, quote):
        try:
            key = normalize_url(href)
        except ValueError:
            continue
        source = Source.objects.filter(normalized_url=key).first()
        if source is not None:
            return source
    return None


def problems_before_save(article: Article) -> set[str] | None:
    """The blocking problems of a live story as stored, before an edit; None if not live."""
    if not article.pk:
        return None
    stored = Article.objects.filter(pk=article.pk, status=Article.Status.PUBLISHED).first()
    if stored is None:
        return None
    return {problem.message for problem in blocking_problems(stored)}


def gate_live_change(
    article: Article, before: set[str] | None, *, reason: str, by: User | None
) -> list[Problem]:
    """After a live story's edit is written: the problems it added.

    Without a reason the edit is refused (the caller's transaction rolls it back); with one,
    the story records who accepted which problems and why, as publishing despite them does.
    """
    if before is None or article.status != Article.Status.PUBLISHED:
        return []
    added = [p for p in blocking_problems(article) if p.message not in before]
    if not added:
        return []
    if not reason.strip():
        raise LiveChangeRefused(added)
    article.accept_sourcing_problems(by=by, reason=reason, count=len(added))
    return added


def status_of(article: Article) -> str:
    """The story list's column: "Clean", "3 problems", "Published with a reason"."""
    if article.status == Article.Status.PUBLISHED and article.sourcing_override_reason:
        return "Published with a reason"
    count = len(blocking_problems(article))
    if not count:
        return "Clean"
    return f"{count} problem{'s' if count != 1 else ''}"
