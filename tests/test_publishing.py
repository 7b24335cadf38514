"""Scheduled visibility, the publication verbs and the one definition of "live"."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory, published_article

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_live():
    article = ArticleFactory()
    assert article not in Article.objects.published()
    assert not article.is_live()


def test_a_scheduled_story_appears_when_its_time_comes():
    now = timezone.now()
    article = ArticleFactory()
    article.publish(by=None, at=now + dt.timedelta(hours=2))

    assert article.is_scheduled(at=now)
    assert not Article.objects.published(at=now).filter(pk=article.pk).exists()
    assert Article.objects.scheduled(at=now).filter(pk=article.pk).exists()
    later = now + dt.timedelta(hours=2, seconds=1)
    assert Article.objects.published(at=later).filter(pk=article.pk).exists()


def test_publishing_records_who_and_why_in_history(editor):
    article = ArticleFactory()
    article.publish(by=editor)
    record = article.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "Published"
    assert record.status == Article.Status.PUBLISHED


def test_the_database_refuses_a_published_story_without_a_time():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_two_stories_cannot_share_a_slug_in_the_same_month():
    when = timezone.now() - dt.timedelta(days=1)
    published_article(at=when, slug="storm-warning")
    second = ArticleFactory(slug="storm-warning")
    with pytest.raises(ValidationError, match="already uses this slug"):
        second.publish(by=None, at=when)
    second.refresh_from_db()
    assert second.status == Article.Status.DRAFT


def test_the_same_slug_is_fine_in_another_month():
    published_article(at=timezone.now() - dt.timedelta(days=70), slug="budget-night")
    second = published_article(at=timezone.now() - dt.timedelta(days=1), slug="budget-night")
    assert second.is_live()


def test_reading_time_is_stored_when_saved():
    words = " ".join(["harbour"] * 700)
    article = ArticleFactory(body=f"<p>{words}</p>", standfirst="")
    assert article.word_count == 700
    assert article.reading_minutes == 4


def test_returning_to_draft_takes_a_story_off_the_site(editor):
    article = published_article()
    article.return_to_draft(by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_only_drafts_can_be_submitted_for_review(writer):
    article = ArticleFactory(section=SectionFactory())
    article.submit_for_review(by=writer)
    assert article.status == Article.Status.REVIEW
    with pytest.raises(ValidationError):
        article.submit_for_review(by=writer)
