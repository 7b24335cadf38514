"""The editorial model, by topic: taxonomy (sections, authors), stories (with their bylines and
old addresses), the media library, autosaved copies of the story form, corrections,
publishers, the outlet's own logo, shared previews, editorial notes, and provenance (sources,
figures, metrics, people, quotes). Everything is importable from `articles.models`."""

from articles.models.autosaves import StoryAutosave
from articles.models.corrections import Correction
from articles.models.media import Image
from articles.models.notes import EditorialNote
from articles.models.outlet import Outlet
from articles.models.previews import PreviewLink, PreviewLinkUse
from articles.models.provenance import (
    ArticleSource,
    Figure,
    Metric,
    Person,
    Quote,
    Source,
    provenance_prefetches,
)
from articles.models.publishers import Publisher, PublisherDomain
from articles.models.stories import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    ArticleRedirect,
    attach_tags,
)
from articles.models.taxonomy import Author, Section

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleSource",
    "Author",
    "Correction",
    "EditorialNote",
    "Figure",
    "Image",
    "Metric",
    "Outlet",
    "Person",
    "PreviewLink",
    "PreviewLinkUse",
    "Publisher",
    "PublisherDomain",
    "Quote",
    "Section",
    "Source",
    "StoryAutosave",
    "attach_tags",
    "provenance_prefetches",
]
