"""`manage.py seed_bench`: a synthetic site as consistent as one written through save()."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, Author, Section
from articles.sanitize import clean_body
from articles.search import search_articles
from comments.models import Comment
from comments.text import render_body
from tests.factories import published_article

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_bench", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed("--stories", "60", "--comments", "400", "--years", "2")


def test_it_writes_the_numbers_asked_for(seeded):
    assert "Seeded 60 stories" in seeded and "400 comments" in seeded
    assert Article.objects.count() == 60
    assert Comment.objects.count() == 400
    assert Section.objects.count() == 8
    assert Author.objects.count() == 40
    every_story_has_a_byline = ArticleAuthor.objects.values("article").distinct().count()
    assert every_story_has_a_byline == 60
    assert Article.objects.filter(tagged_items__isnull=True).count() == 0
    live = Article.objects.published().count()
    assert 40 <= live < 60  # mostly live, with drafts, stories in review and scheduled ones
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert {"approved", "pending"} <= statuses


def test_what_save_would_derive_is_derived(seeded):
    for article in Article.objects.all():
        assert article.body == clean_body(article.body)
        stored = (article.word_count, article.reading_minutes, article.publication_month)
        article._derive()
        assert stored == (article.word_count, article.reading_minutes, article.publication_month)
        assert article.word_count > 50
    for comment in Comment.objects.all():
        assert comment.body_html == render_body(comment.body)


def test_comments_are_threaded_and_belong_to_live_stories(seeded):
    now = timezone.now()
    replies = Comment.objects.filter(parent__isnull=False).select_related("parent", "root")
    assert replies.exists()
    for reply in replies:
        assert reply.article_id == reply.parent.article_id == reply.root.article_id
        assert reply.root.depth == 0 and reply.depth == reply.parent.depth + 1 <= 2
    for comment in Comment.objects.select_related("article"):
        assert comment.article.is_live(at=now)
        assert comment.article.published_at <= comment.created_at <= now


def test_the_seeded_site_renders_and_search_finds_its_stories(seeded):
    client = Client()
    story = (
        Article.objects.published()
        .filter(comments__status="approved")
        .order_by("-published_at")
        .first()
    )
    comment = story.comments.filter(status="approved", parent__isnull=True).first()
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"<h1>{story.headline}</h1>" in page
    assert comment.name in page
    month = timezone.localtime(story.published_at)
    tag = Tag.objects.filter(taggit_taggeditem_items__object_id=story.pk).first()
    author = story.bylines[0]
    for url, expected in [
        (reverse("home"), "<h2"),
        (story.section.get_absolute_url(), story.section.name),
        (reverse("articles:tag", kwargs={"slug": tag.slug}), tag.name),
        (author.get_absolute_url(), author.name),
        (
            reverse("articles:month", kwargs={"year": month.year, "month": f"{month:%m}"}),
            story.headline,
        ),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url
    found = search_articles(story.headline)
    assert story.pk in found.ids
    assert client.get(reverse("search"), {"q": story.headline}).status_code == 200


def test_the_same_seed_makes_the_same_site(seeded):
    headlines = list(Article.objects.order_by("pk").values_list("headline", flat=True))
    Comment.objects.all().delete()
    Article.objects.all().delete()
    seed("--stories", "60", "--comments", "400", "--years", "2")
    assert list(Article.objects.order_by("pk").values_list("headline", flat=True)) == headlines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stories", "0"], "--stories must be between 1"),
        (["--stories", "5", "--comments", "-1"], "--comments cannot be negative"),
        (["--stories", "1", "--comments", "5001"], "more than 5,000 per story"),
        (["--stories", "5", "--years", "0"], "--years must be between 1 and 50"),
        (["--stories", "5", "--authors", "0"], "--authors must be between 1"),
    ],
)
def test_it_refuses_impossible_sizes(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not Article.objects.exists()


def test_it_refuses_a_database_that_already_has_stories():
    published_article()
    with pytest.raises(CommandError, match="fills an empty database, and this one has 1 stor"):
        seed("--stories", "5")
    assert Article.objects.count() == 1
