"""Rebuild the full-text search index from the stories (after a restore, a bulk import, or a
change of NEWSROOM_LANGUAGE: on SQLite the table is made again with the new language's
tokenizer first)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from articles.search import reindex_articles, remake_sqlite_table

BATCH = 500


class Command(BaseCommand):
    help = "Rewrite every story's row in the search index."

    def handle(self, *args: object, **options: object) -> None:
        if remake_sqlite_table():
            self.stdout.write("Made the SQLite search table again for the site's language.")
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), BATCH):
            batch = Article.objects.filter(pk__in=ids[start : start + BATCH]).with_bylines()
            with transaction.atomic():
                done += reindex_articles(batch)
        self.stdout.write(self.style.SUCCESS(f"Indexed {done} stories."))
