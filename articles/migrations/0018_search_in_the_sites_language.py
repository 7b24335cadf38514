"""The search index in the site's language (NEWSROOM_LANGUAGE).

SQLite: the FTS5 table is made again with the language's tokenizer, which also folds every
accent (remove_diacritics 2; Porter stemming for English only). PostgreSQL: the rows are
written again with the language's text-search configuration and accents folded, as queries
now are. Both refill from the stories, as migration 0003 did.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations


def remake_index(apps, schema_editor):
    from articles import languages
    from articles.search import TABLE, sqlite_create_sql

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        schema_editor.execute(sqlite_create_sql(languages.fts5_tokenizer(settings.LANGUAGE_CODE)))
    elif vendor == "postgresql":
        # A constant table name; nothing from outside reaches this SQL.
        schema_editor.execute(f"DELETE FROM {TABLE}")  # nosec B608
    else:
        return
    import_module("articles.migrations.0003_reader_site").fill_search_index(apps, schema_editor)


def back_to_english_tokenizer(apps, schema_editor):
    from articles.search import TABLE

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        schema_editor.execute(
            import_module("articles.migrations.0003_reader_site").SQLITE_CREATE
        )
        import_module("articles.migrations.0003_reader_site").fill_search_index(
            apps, schema_editor
        )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0017_corrections_tied_to_facts_in_history"),
    ]

    operations = [
        migrations.RunPython(remake_index, back_to_english_tokenizer),
    ]
