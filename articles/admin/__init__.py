"""The editors' CMS, by topic: stories (with their form and list), taxonomy (tags, sections,
authors, old addresses) and the provenance registries. Importing the package registers them
all with the admin site."""

from articles.admin import provenance, stories, taxonomy

__all__ = ["provenance", "stories", "taxonomy"]
