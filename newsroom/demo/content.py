"""The demo outlet's content, read from the TOML files beside this module.

`outlet.toml` holds what stories refer to (sections, bylines, sources, people, metrics), the
front page and the reader appeal; `stories/` holds one file per story, loaded in file-name
order. An outlet can replace any of them with its own. `load()` reads and checks every file
before `load_demo` writes anything, and a `DemoContentError` names the file and the field.

A story file has `slug`, `headline`, `standfirst`, `section` (a section's slug), `authors`
(author slugs in byline order), `tags`, `days_ago` (how long before loading it was published;
negative means scheduled) and `body` (HTML; lines may be wrapped and blocks separated by blank
lines, since whitespace is collapsed and dropped around block tags). It may have `status`
("published" or "draft"), `correction`, `image_caption`, `image_credit`, `image_alt`,
`palette` (two colours for the generated picture) and `hand_sources` (sources the body does
not link to). Its ledger: one `[[figures]]` table per number in the body (`text` as the figure
finder reads it, `counts`, and optionally `source`, `metric`, `as_of_days_before`) and one
`[[quotes]]` table per quote (`person`, `text`, `role`, `source`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from articles.figures import find_figures, find_figures_in_html
from articles.models import Publisher, Source
from articles.sanitize import clean_body
from newsroom.roles import EDITORS, MODERATORS, WRITERS

DEMO_DIR = Path(__file__).resolve().parent

# The three demo sign-ins, one per role. `make run` and CI look for these names in the output.
SIGN_INS = [
    ("editor", "Maren", "Okafor", EDITORS),
    ("writer", "Ines", "Varga", WRITERS),
    ("moderator", "Sol", "Penhallow", MODERATORS),
]
STATUSES = ("published", "draft")
DEFAULT_PALETTE = ("#16425b", "#81c3d7")
_MISSING: Any = object()
_BLOCK_TAG = re.compile(
    r"\s*(</?(?:p|h[1-6]|ul|ol|li|blockquote|figure|figcaption|table|tr|td|th|hr|br)\b[^>]*>)\s*"
)


class DemoContentError(ValueError):
    """A demo file that cannot be loaded; the message names the file and the field."""


@dataclass(frozen=True)
class DemoSection:
    name: str
    slug: str
    description: str


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    slug: str
    bio: str
    user: str  # a username from SIGN_INS, or "" for a byline nobody signs in as


@dataclass(frozen=True)
class DemoSource:
    title: str
    publisher: str
    kind: str
    url: str
    days_ago: int | None


@dataclass(frozen=True)
class DemoPublisher:
    name: str
    kind: str
    domains: list[str]
    note: str


@dataclass(frozen=True)
class DemoPerson:
    name: str
    description: str


@dataclass(frozen=True)
class DemoMetric:
    name: str
    unit: str
    description: str


@dataclass(frozen=True)
class DemoFigure:
    counts: str
    source: str  # a key of Outlet.sources; "" leaves it unsourced (drafts only)
    metric: str  # a key of Outlet.metrics, or ""
    # How long before publication the number describes; None means the story's own date.
    as_of_days_before: int | None


@dataclass(frozen=True)
class DemoQuote:
    person: str  # a key of Outlet.people
    text: str
    role: str
    source: str  # a key of Outlet.sources


@dataclass(frozen=True)
class DemoStory:
    file: Path
    slug: str
    headline: str
    standfirst: str
    section: str
    authors: list[str]
    tags: list[str]
    days_ago: float
    body: str
    status: str
    correction: str
    image_caption: str
    image_credit: str
    image_alt: str
    palette: tuple[str, str]
    # The ledger: every number in the body (keyed by its text as the finder reads it, lower
    # case), the quotes, and sources without a link in the body.
    figures: dict[str, DemoFigure]
    quotes: list[DemoQuote]
    hand_sources: list[str]

    def published_at(self, now: dt.datetime) -> dt.datetime:
        return (now - dt.timedelta(days=self.days_ago)).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class DemoGift:
    amount: int
    source: str
    note: str
    donor: str
    days_ago: int


@dataclass(frozen=True)
class DemoCampaign:
    title: str
    appeal: str
    goal: int
    currency: str
    donate_url: str
    gifts: tuple[DemoGift, ...]


@dataclass(frozen=True)
class DemoNewsletter:
    name: str
    slug: str
    description: str
    frequency: str


@dataclass(frozen=True)
class Outlet:
    sections: list[DemoSection]
    authors: list[DemoAuthor]
    sources: dict[str, DemoSource]
    people: dict[str, DemoPerson]
    metrics: dict[str, DemoMetric]
    stories: list[DemoStory]
    featured: dict[str, int]  # story slug -> front-page position (1 = lead)
    campaign: DemoCampaign
    publishers: dict[str, DemoPublisher] = field(default_factory=dict)
    # The first is the list the sign-up box offers; the newsletter page offers all.
    newsletters: tuple[DemoNewsletter, ...] = ()


class _Table:
    """One TOML table being read: each field is taken once, and what is left over is a typo."""

    def __init__(self, data: object, file: Path, where: str) -> None:
        self.file, self.where = file, where
        if not isinstance(data, dict):
            raise self.error(f"`{where}` should be a table, not {data!r}")
        self.data = dict(data)

    def error(self, message: str) -> DemoContentError:
        return DemoContentError(f"{self.file}: {message}")

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _take(self, key: str, kinds: tuple[type, ...], what: str, default: Any) -> Any:
        if key not in self.data:
            if default is _MISSING:
                raise self.error(f"required field `{self.name(key)}` is missing")
            return default
        value = self.data.pop(key)
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise self.error(f"`{self.name(key)}` should be {what}, not {value!r}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self._take(key, (str,), "text", default)
        if value is not default and not value.strip():
            raise self.error(f"`{self.name(key)}` is empty")
        return value

    def choice(self, key: str, choices: Collection[str], default: Any = _MISSING) -> str:
        value = self.text(key, default)
        if value is not default and value not in choices:
            raise self.error(f"`{self.name(key)}` is {value!r}; it should be one of {choices}")
        return value

    def whole(self, key: str, default: Any = _MISSING) -> int:
        return self._take(key, (int,), "a whole number", default)

    def number(self, key: str, default: Any = _MISSING) -> float:
        return self._take(key, (int, float), "a number", default)

    def texts(self, key: str, default: Any = _MISSING) -> list[str]:
        value = self._take(key, (list,), "a list of text", default)
        if not all(isinstance(item, str) and item.strip() for item in value):
            raise self.error(f"`{self.name(key)}` should be a list of text, not {value!r}")
        return value

    def tables(self, key: str, default: Any = _MISSING) -> list[_Table]:
        value = self._take(key, (list,), "a list of tables", default)
        return [_Table(item, self.file, f"{self.name(key)}[{n}]") for n, item in enumerate(value)]

    def table(self, key: str) -> _Table:
        return _Table(self._take(key, (dict,), "a table", _MISSING), self.file, self.name(key))

    def keyed(self, key: str) -> dict[str, _Table]:
        return {
            name: _Table(item, self.file, f"{self.name(key)}.{name}")
            for name, item in self._take(key, (dict,), "a table", _MISSING).items()
        }

    def refers(self, key: str, known: Collection[str], what: str, default: Any = _MISSING) -> str:
        """A key naming something defined elsewhere (a section, a source...)."""
        value = self.text(key, default)
        if value is not default and value not in known:
            raise self.error(f"`{self.name(key)}` is {value!r}, which is not {what}")
        return value

    def done(self) -> None:
        if self.data:
            raise self.error(f"unknown field `{self.name(sorted(self.data)[0])}`")


def _read(file: Path) -> _Table:
    try:
        with file.open("rb") as handle:
            return _Table(tomllib.load(handle), file, "")
    except tomllib.TOMLDecodeError as error:
        raise DemoContentError(f"{file}: not valid TOML: {error}") from None
    except OSError as error:
        raise DemoContentError(f"{file}: cannot be read: {error.strerror}") from None


def tidy_body(html: str) -> str:
    """Undo the file's line wrapping: one space between words, none around block tags."""
    return _BLOCK_TAG.sub(r"\1", " ".join(html.split()))


def load(directory: Path | None = None) -> Outlet:
    """Read and check the demo outlet in `directory` (by default the files beside this module)."""
    directory = directory or DEMO_DIR
    outlet_file = directory / "outlet.toml"
    outlet = _read(outlet_file)
    sections = [_section(t) for t in outlet.tables("sections")]
    authors = [_author(t) for t in outlet.tables("authors")]
    publishers = {key: _publisher(t) for key, t in outlet.keyed("publishers").items()}
    sources = {key: _source(t) for key, t in outlet.keyed("sources").items()}
    people = {key: _person(t) for key, t in outlet.keyed("people").items()}
    metrics = {key: _metric(t) for key, t in outlet.keyed("metrics").items()}
    featured_table = outlet.table("featured")
    featured = {slug: featured_table.whole(slug) for slug in list(featured_table.data)}
    campaign = _campaign(outlet.table("campaign"))
    newsletters = tuple(_newsletter(t) for t in outlet.tables("newsletters", []))
    outlet.done()

    partial = Outlet(
        sections, authors, sources, people, metrics, [], featured, campaign, publishers
    )
    story_files = sorted((directory / "stories").glob("*.toml"))
    if not story_files:
        raise DemoContentError(f"{directory / 'stories'}: no story files (*.toml) in it")
    stories = [_story(_read(file), partial) for file in story_files]
    seen: dict[str, Path] = {}
    for story in stories:
        if story.slug in seen:
            raise DemoContentError(
                f"{story.file}: `slug` {story.slug!r} is already used by {seen[story.slug]}"
            )
        seen[story.slug] = story.file
    for slug in featured:
        if slug not in seen:
            raise DemoContentError(f"{outlet_file}: `featured.{slug}` is not the slug of a story")
    return Outlet(
        sections,
        authors,
        sources,
        people,
        metrics,
        stories,
        featured,
        campaign,
        publishers,
        newsletters,
    )


def _section(t: _Table) -> DemoSection:
    section = DemoSection(t.text("name"), t.text("slug"), t.text("description"))
    t.done()
    return section


def _author(t: _Table) -> DemoAuthor:
    usernames = [username for username, *_ in SIGN_INS]
    author = DemoAuthor(
        t.text("name"), t.text("slug"), t.text("bio"), t.choice("user", usernames, "")
    )
    t.done()
    return author


def _source(t: _Table) -> DemoSource:
    source = DemoSource(
        title=t.text("title"),
        publisher=t.text("publisher"),
        kind=t.choice("kind", list(Source.Kind.values)),
        url=t.text("url", ""),
        days_ago=t.whole("days_ago", None),
    )
    t.done()
    return source


def _publisher(t: _Table) -> DemoPublisher:
    publisher = DemoPublisher(
        name=t.text("name"),
        kind=t.choice("kind", list(Publisher.Kind.values)),
        domains=t.texts("domains", []),
        note=t.text("note", ""),
    )
    t.done()
    return publisher


def _person(t: _Table) -> DemoPerson:
    person = DemoPerson(t.text("name"), t.text("description"))
    t.done()
    return person


def _metric(t: _Table) -> DemoMetric:
    metric = DemoMetric(t.text("name"), t.text("unit"), t.text("description"))
    t.done()
    return metric


def _campaign(t: _Table) -> DemoCampaign:
    campaign = DemoCampaign(
        title=t.text("title"),
        appeal=t.text("appeal"),
        goal=t.whole("goal"),
        currency=t.text("currency"),
        donate_url=t.text("donate_url"),
        gifts=tuple(_gift(g) for g in t.tables("gifts", [])),
    )
    t.done()
    return campaign


# newsletter.models.Newsletter.Frequency
NEWSLETTER_FREQUENCIES = ("daily", "weekly")


def _newsletter(t: _Table) -> DemoNewsletter:
    newsletter = DemoNewsletter(
        name=t.text("name"),
        slug=t.text("slug"),
        description=t.text("description", ""),
        frequency=t.choice("frequency", NEWSLETTER_FREQUENCIES),
    )
    t.done()
    return newsletter


# The sources a gift recorded by hand may have (newsroom.models.Gift.Source, less "online").
HAND_SOURCES = ("cheque", "event", "bank_transfer", "opening_balance")


def _gift(t: _Table) -> DemoGift:
    gift = DemoGift(
        amount=t.whole("amount"),
        source=t.choice("source", HAND_SOURCES),
        note=t.text("note", ""),
        donor=t.text("donor", ""),
        days_ago=t.whole("days_ago", 0),
    )
    t.done()
    return gift


def _story(t: _Table, outlet: Outlet) -> DemoStory:
    section_slugs = [section.slug for section in outlet.sections]
    author_slugs = [author.slug for author in outlet.authors]
    slug, headline, standfirst = t.text("slug"), t.text("headline"), t.text("standfirst")
    section = t.refers("section", section_slugs, "the slug of a section in outlet.toml")
    authors = t.texts("authors")
    for n, author in enumerate(authors):
        if author not in author_slugs:
            raise t.error(f"`authors[{n}]` is {author!r}, which is not an author in outlet.toml")
    tags, days_ago = t.texts("tags", []), t.number("days_ago")
    body = tidy_body(t.text("body"))
    status = t.choice("status", list(STATUSES), "published")
    correction = t.text("correction", "")
    image_caption, image_credit = t.text("image_caption", ""), t.text("image_credit", "")
    image_alt = t.text("image_alt", "")
    palette = tuple(t.texts("palette", list(DEFAULT_PALETTE)))
    if len(palette) != 2:
        raise t.error(f"`palette` should be two colours, not {list(palette)!r}")
    hand_sources = t.texts("hand_sources", [])
    for n, key in enumerate(hand_sources):
        if key not in outlet.sources:
            raise t.error(f"`hand_sources[{n}]` is {key!r}, which is not a source in outlet.toml")
    figures: dict[str, DemoFigure] = {}
    for f in t.tables("figures", []):
        text = f.text("text").lower()
        if text in figures:
            raise f.error(f"`{f.name('text')}` {text!r} has two entries")
        figures[text] = DemoFigure(
            counts=f.text("counts"),
            source=f.refers("source", outlet.sources, "a source in outlet.toml", ""),
            metric=f.refers("metric", outlet.metrics, "a metric in outlet.toml", ""),
            as_of_days_before=f.whole("as_of_days_before", None),
        )
        f.done()
    quotes = []
    for q in t.tables("quotes", []):
        quotes.append(
            DemoQuote(
                person=q.refers("person", outlet.people, "a person in outlet.toml"),
                text=q.text("text"),
                role=q.text("role"),
                source=q.refers("source", outlet.sources, "a source in outlet.toml"),
            )
        )
        q.done()
    t.done()
    # A demo story models a sourced one: every number the finder sees in what readers read
    # (headline, standfirst, body, caption, credit) needs its ledger entry.
    _, in_body = find_figures_in_html(clean_body(body))
    others = [
        ("headline", headline),
        ("standfirst", standfirst),
        ("image_caption", image_caption),
        ("image_credit", image_credit),
    ]
    seen = [("body", f) for f in in_body]
    seen += [(name, f) for name, text in others for f in find_figures(text)]
    for name, figure in seen:
        if figure.text.lower() not in figures:
            raise t.error(f"`figures` has no entry for “{figure.text}”, which the {name} quotes")
    return DemoStory(
        file=t.file,
        slug=slug,
        headline=headline,
        standfirst=standfirst,
        section=section,
        authors=authors,
        tags=tags,
        days_ago=days_ago,
        body=body,
        status=status,
        correction=correction,
        image_caption=image_caption,
        image_credit=image_credit,
        image_alt=image_alt,
        palette=(palette[0], palette[1]),
        figures=figures,
        quotes=quotes,
        hand_sources=hand_sources,
    )
