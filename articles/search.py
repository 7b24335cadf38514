"""Full-text search over stories: one function for readers, two engines underneath.

SQLite keeps an FTS5 virtual table, PostgreSQL a table of weighted `tsvector`s with a GIN
index; both are created by migration 0003 and hold one row per story, drafts included,
because a scheduled story goes live without anyone saving it. What a reader may find is
still decided by `Article.objects.published()`, which both queries embed.

The index is derived data, kept by the signal receivers in articles/derived.py: saving a
story, its tags or bylines, or renaming a tag, author or section rewrites the rows it touches.
`manage.py reindex_search` rebuilds everything. The "tags" column holds a story's topics:
its section's name and its tags.

The language is the site's (NEWSROOM_LANGUAGE, articles/languages.py): PostgreSQL stems with
that language's text-search configuration ("spanish", "simple" where it has none), and FTS5's
tokenizer is chosen when the table is made (Porter stemming for English only). Accents are
folded on both sides, so "camion" finds "camión": FTS5 by its tokenizer (remove_diacritics 2),
PostgreSQL by `fold_accents()` here (its configurations keep accents). Changing the language
of a site that has stories needs `manage.py reindex_search`, which remakes the SQLite table
when its tokenizer is not the language's.

Readers' queries never reach either engine's query syntax: `search_terms()` keeps only the
words, so quotes, `NEAR(`, `*`, `-` and `:` are plain punctuation here and cannot cause an
error page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.conf import settings
from django.db import connection
from django.utils.html import strip_tags

from articles import languages
from articles.models import Article, ArticleQuerySet

TABLE = "article_search"
# A query longer than this is not a search a person typed; the rest is ignored.
MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 40
MAX_RESULTS = 200
# Ranking reads every candidate's whole document (ts_rank detoasts each tsvector), so a
# word most stories contain ("harbour" matches 95,000 of 100,000 seeded stories) cost
# 207-343 ms on PostgreSQL. Only the newest RANK_CANDIDATES matching stories are ranked:
# 8 ms for the same query, and for a news site the best 200 of the newest 1,000 matches are
# what a reader looks for. A query matching fewer stories ranks all of them, as before.
RANK_CANDIDATES = 1000

# Letters and digits in any script; underscores are punctuation to a reader.
_WORD = re.compile(r"[^\W_]+")

# Relative importance of each field. A word in the headline says far more about a story
# than the same word in the twelfth paragraph.
SQLITE_WEIGHTS = {"headline": 10.0, "standfirst": 5.0, "body": 1.0, "tags": 4.0, "authors": 4.0}
# PostgreSQL has four weight classes, A (strongest) to D; ts_rank gives them 1.0/0.4/0.2/0.1.
POSTGRES_WEIGHTS = {"headline": "A", "standfirst": "B", "tags": "B", "authors": "B", "body": "C"}
SQLITE_COLUMNS = "headline, standfirst, body, tags, authors"
_TOKENIZER = re.compile(r"tokenize\s*=\s*'([^']*)'", re.IGNORECASE)


def postgres_config() -> str:
    """The text-search configuration for the site's language; a constant name from a fixed
    table (articles/languages.py), so it is safe to write into SQL."""
    return languages.postgres_search_config(settings.LANGUAGE_CODE)


def fold_accents(text: str) -> str:
    """ "Camión" → "Camion": what PostgreSQL indexes and searches (FTS5 folds by itself)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def sqlite_create_sql(tokenizer: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        f"{SQLITE_COLUMNS}, tokenize = '{tokenizer}')"
    )


def sqlite_tokenizer_in_use() -> str | None:
    """The tokenizer the SQLite table was made with; None without a table (or on PostgreSQL)."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [TABLE])
        row = cursor.fetchone()
    if row is None:
        return None
    found = _TOKENIZER.search(row[0] or "")
    return found.group(1) if found else "unicode61"


def remake_sqlite_table(tokenizer: str | None = None) -> bool:
    """Make the SQLite table again with the site language's tokenizer if it has another.
    Returns whether it did; the table is then empty, and the caller refills it."""
    wanted = tokenizer or languages.fts5_tokenizer(settings.LANGUAGE_CODE)
    if connection.vendor != "sqlite" or sqlite_tokenizer_in_use() == wanted:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(sqlite_create_sql(wanted))
    return True


@dataclass(frozen=True)
class SearchDocument:
    """The text of one story as the index sees it."""

    article_id: int
    headline: str
    standfirst: str
    body: str
    tags: str
    authors: str


def search_terms(query: str) -> list[str]:
    """The words of a reader's query, lower-cased, de-duplicated, at most MAX_TERMS."""
    terms: list[str] = []
    for word in _WORD.findall(query[:MAX_QUERY_CHARS].lower()):
        word = word[:MAX_TERM_CHARS]
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def search_articles(query: str, *, at: dt.datetime | None = None) -> SearchResults:
    """Live stories matching every word of `query`, best match first, ties newest first.

    The best of the newest RANK_CANDIDATES matches: an older story is found while fewer
    than that many newer ones match.

    An empty or wordless query finds nothing (the view says why). At most MAX_RESULTS
    stories. The ranking is one query; stories are fetched, with their bylines, only for
    the slice a page shows, so a Paginator over the results loads 20 stories, not 200.
    """
    terms = search_terms(query)
    live = Article.objects.published(at=at)
    return SearchResults(_ranked_ids(terms, live) if terms else [], live)


class SearchResults(Sequence[Article]):
    """Ranked search results: the ids are known, the stories are loaded per slice."""

    def __init__(self, ids: list[int], live: ArticleQuerySet) -> None:
        self.ids = ids
        self._live = live

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, int):
            return self._load([self.ids[index]])[0]
        return self._load(self.ids[index])

    def __iter__(self) -> Iterator[Article]:
        # One query for all, not Sequence's default of one per item.
        return iter(self._load(self.ids))

    def __repr__(self) -> str:
        return f"<SearchResults {len(self)} stories>"

    def _load(self, ids: list[int]) -> list[Article]:
        if not ids:
            return []
        found = {a.pk: a for a in self._live.with_bylines().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]


def reindex_articles(articles: Iterable[Article]) -> int:
    """Rewrite the rows of many stories in a fixed number of queries; returns how many.

    The stories should come `with_bylines()` (section, bylines and tags prefetched)."""
    documents = [
        document_for(
            article,
            topics=topics_of(article.section.name, (t.name for t in article.tags.all())),
            authors=" ".join(author.name for author in article.bylines),
        )
        for article in articles
    ]
    write_documents(documents)
    return len(documents)


def remove_documents(ids: Iterable[int]) -> None:
    """Forget deleted stories (a search never shows them anyway: it joins live stories)."""
    column = "rowid" if connection.vendor == "sqlite" else "article_id"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE {column} = %s",  # noqa: S608  # nosec B608
            [(pk,) for pk in ids],
        )


def topics_of(section_name: str, tag_names: Iterable[str]) -> str:
    """What the index's "tags" column holds: the story's section, then its tags."""
    return " ".join([section_name, *sorted(tag_names)])


def document_for(article: Article, *, topics: str, authors: str) -> SearchDocument:
    return SearchDocument(
        article_id=article.pk,
        headline=article.headline,
        standfirst=article.standfirst,
        body=strip_tags(article.body or ""),
        tags=topics,
        authors=authors,
    )


def write_documents(documents: list[SearchDocument]) -> None:
    if not documents:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                # The table name is a constant; every value is a parameter.
                f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608  # nosec B608
                [(d.article_id,) for d in documents],
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, headline, standfirst, body, tags, authors) "  # noqa: S608  # nosec B608
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (d.article_id, d.headline, d.standfirst, d.body, d.tags, d.authors)
                    for d in documents
                ],
            )
        elif connection.vendor == "postgresql":
            config = postgres_config()
            vector = " || ".join(
                f"setweight(to_tsvector('{config}', %s), '{weight}')"
                for weight in POSTGRES_WEIGHTS.values()
            )
            cursor.executemany(
                # Constants (table, text-search configuration, weights); values are parameters.
                f"INSERT INTO {TABLE} (article_id, document) VALUES (%s, {vector}) "  # noqa: S608  # nosec B608
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                [
                    (d.article_id, *(fold_accents(getattr(d, field)) for field in POSTGRES_WEIGHTS))
                    for d in documents
                ],
            )
        else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
            raise NotImplementedError(f"No search index for {connection.vendor}.")


def _ranked_ids(terms: list[str], live: ArticleQuerySet) -> list[int]:
    """Ids of live stories matching all terms: best match first, then newest, then by id."""
    live_sql, live_params = live.order_by().values("pk", "published_at").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Every term is quoted, so FTS5 reads it as a plain string, never as syntax.
            match = " ".join(f'"{term}"' for term in terms)
            weights = ", ".join(str(w) for w in SQLITE_WEIGHTS.values())
            # bm25() is lower for better matches.
            cursor.execute(
                # Constants and the SQL Django compiled for published(), with its parameters;
                # the reader's terms are a parameter. bm25() only works beside its MATCH, so
                # the inner query scores and keeps the newest candidates, the outer ranks them.
                "SELECT id FROM ("  # noqa: S608  # nosec B608
                f"SELECT {TABLE}.rowid AS id, bm25({TABLE}, {weights}) AS score, "
                f"live.published_at AS published_at FROM {TABLE} "
                f"JOIN ({live_sql}) AS live ON live.pk = {TABLE}.rowid "
                f"WHERE {TABLE} MATCH %s "
                "ORDER BY live.published_at DESC, live.pk DESC LIMIT %s"
                ") ORDER BY score, published_at DESC, id DESC LIMIT %s",
                [*live_params, match, RANK_CANDIDATES, MAX_RESULTS],
            )
        elif connection.vendor == "postgresql":
            # plainto_tsquery ignores operators and ANDs the words together.
            # The inner query walks live stories newest first (article_live_idx) and keeps
            # the first RANK_CANDIDATES whose document matches, or, for a rare word, takes the
            # GIN index's few matches; only those are ranked.
            words = fold_accents(" ".join(terms))
            cursor.execute(
                # As above: constants and Django's own SQL; the terms are a parameter.
                "SELECT candidate.article_id FROM ("  # noqa: S608  # nosec B608
                f"SELECT {TABLE}.article_id, {TABLE}.document, live.published_at FROM {TABLE} "
                f"JOIN ({live_sql}) AS live ON live.pk = {TABLE}.article_id "
                f"WHERE document @@ plainto_tsquery('{postgres_config()}', %s) "
                "ORDER BY live.published_at DESC, live.pk DESC LIMIT %s"
                f") AS candidate, plainto_tsquery('{postgres_config()}', %s) AS query "
                "ORDER BY ts_rank(candidate.document, query) DESC, "
                "candidate.published_at DESC, candidate.article_id DESC "
                "LIMIT %s",
                [*live_params, words, RANK_CANDIDATES, words, MAX_RESULTS],
            )
        else:  # pragma: no cover
            raise NotImplementedError(f"No search index for {connection.vendor}.")
        return [int(pk) for (pk,) in cursor.fetchall()]
