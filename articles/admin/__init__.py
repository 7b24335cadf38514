"""The editors' CMS, by topic: stories (with their form and list), taxonomy (tags, sections,
authors, old addresses), the media library, the outlet's logo and the provenance registries.
Importing the package registers them all with the admin site."""

from articles.admin import media, outlet, provenance, stories, taxonomy

__all__ = ["media", "outlet", "provenance", "stories", "taxonomy"]
