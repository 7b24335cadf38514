"""The editorial model, by topic: taxonomy (sections, authors), stories (with their bylines and
old addresses), the media library, autosaved copies of the story form, corrections, and
provenance (sources, figures, metrics, people, quotes). Everything is importable from
`articles.models`."""

from articles.models.autosaves import StoryAutosave
from articles.models.corrections import Correction
from articles.models.media import Image
from articles.models.provenance import (
    ArticleSource,
    Figure,
    Metric,
    Person,
    Quote,
    Source,
    provenance_prefetches,
)
from articles.models.stories import Article, ArticleAuthor, ArticleQuerySet, ArticleRedirect
from articles.models.taxonomy import Author, Section

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleSource",
    "Author",
    "Correction",
    "Figure",
    "Image",
    "Metric",
    "Person",
    "Quote",
    "Section",
    "Source",
    "StoryAutosave",
    "provenance_prefetches",
]
