"""The reader site: front-page placement, and the full-text search index.

The index is a table Django does not manage (see articles/search.py): an FTS5 virtual table
on SQLite, a table of tsvectors with a GIN index on PostgreSQL. There is deliberately no
foreign key on PostgreSQL: the test runner's flush truncates Django's tables without CASCADE,
and search queries only ever find stories through Article.objects.published().
"""

from django.db import migrations, models

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5("
    "headline, standfirst, body, tags, authors, tokenize = 'porter unicode61')"
)
POSTGRES_CREATE = [
    "CREATE TABLE IF NOT EXISTS article_search ("
    "article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS article_search_document_gin "
    "ON article_search USING GIN (document)",
]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
    else:
        return
    fill_search_index(apps, schema_editor)


def fill_search_index(apps, schema_editor):
    """Index stories that exist already, from the historical models (tags through taggit)."""
    from django.utils.html import strip_tags

    from articles.search import SearchDocument, write_documents

    Article = apps.get_model("articles", "Article")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    documents = []
    for article in Article.objects.iterator():
        authors = ArticleAuthor.objects.filter(article=article).order_by("position", "pk")
        tags = (
            TaggedItem.objects.filter(content_type=content_type, object_id=article.pk)
            if content_type
            else TaggedItem.objects.none()
        )
        documents.append(
            SearchDocument(
                article_id=article.pk,
                headline=article.headline,
                standfirst=article.standfirst,
                body=strip_tags(article.body or ""),
                tags=" ".join(sorted(tags.values_list("tag__name", flat=True))),
                authors=" ".join(authors.values_list("author__name", flat=True)),
            )
        )
    write_documents(documents)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        schema_editor.execute("DROP TABLE IF EXISTS article_search")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_provenance'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='featured_position',
            field=models.PositiveSmallIntegerField(blank=True, db_index=True, help_text='Front-page placement chosen by editors: 1 is the lead story, 2 and up are the featured stories in that order. Leave empty to appear only by date.', null=True),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='featured_position',
            field=models.PositiveSmallIntegerField(blank=True, db_index=True, help_text='Front-page placement chosen by editors: 1 is the lead story, 2 and up are the featured stories in that order. Leave empty to appear only by date.', null=True),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
