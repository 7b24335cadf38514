"""Test data builders. Text is invented; the outlet is fictional."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Figure,
    Metric,
    Person,
    Quote,
    Section,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    bio = "Writes about the harbour."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Harbour story number {n}")
    slug = factory.Sequence(lambda n: f"harbour-story-{n}")
    standfirst = "A short summary of what happened at the harbour."
    body = "<p>The tide came in at the usual time and the boats went out.</p>"
    section = factory.SubFactory(SectionFactory)

    @factory.post_generation
    def authors(self, create: bool, extracted: list[Author] | None, **kwargs: object) -> None:
        if create and extracted:
            for position, author in enumerate(extracted):
                ArticleAuthor.objects.create(article=self, author=author, position=position)


def published_article(at: dt.datetime | None = None, **kwargs: object) -> Article:
    """A story that went live at `at` (default: an hour ago)."""
    article = ArticleFactory(**kwargs)
    article.publish(by=None, at=at or timezone.now() - dt.timedelta(hours=1))
    return article


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version misspelled the harbour master's name."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Harbour board report {n}")
    publisher = "Port Ellery Harbour Board"
    url = factory.Sequence(lambda n: f"https://harbour-board.example/reports/{n}")
    kind = Source.Kind.DOCUMENT


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    name = factory.Sequence(lambda n: f"Boats registered {n}")
    slug = factory.Sequence(lambda n: f"boats-registered-{n}")
    unit = "boats"


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    article = factory.SubFactory(ArticleFactory)
    text = "42"
    value = Decimal("42")
    unit = "boats"
    counts = "Boats in the harbour"
    source = factory.SubFactory(SourceFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Harbour Master {n}")
    slug = factory.Sequence(lambda n: f"harbour-master-{n}")
    description = "Keeps the harbour running."


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    article = factory.SubFactory(ArticleFactory)
    person = factory.SubFactory(PersonFactory)
    text = "The tide waits for nobody, and neither do the boats."
    role = "harbour master"
    source = factory.SubFactory(SourceFactory, kind=Source.Kind.INTERVIEW, url="")


# --- Comments ---------------------------------------------------------------------------------

from comments.models import Comment  # noqa: E402  (appended section; keeps merges clean)


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment stored directly (the rules are tested through the form)."""

    class Meta:
        model = Comment

    article = factory.LazyFunction(published_article)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.test")
    body = factory.Sequence(lambda n: f"A thoughtful comment about the harbour, number {n}.")
    status = Comment.Status.APPROVED
    ip_hash = factory.Sequence(lambda n: f"{n:064x}")
    nonce = factory.Sequence(lambda n: f"factory-nonce-{n}")


def reply_to(parent: Comment, **kwargs: object) -> Comment:
    """A reply stored with its thread fields filled in as submit_comment would."""
    return CommentFactory(
        article=parent.article,
        parent=parent,
        root=parent.root or parent,
        depth=parent.depth + 1,
        **kwargs,
    )


# --- Reader site ----------------------------------------------------------------------------------


class SupportCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsroom.SupportCampaign"
        skip_postgeneration_save = True

    title = "Do you like this content? Consider helping us!"
    appeal = "Reader gifts pay for our reporting."
    goal = 10000
    currency = "GBP"
    donate_url = "https://harbour-gazette.example/donate"
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    @factory.post_generation
    def raised(obj, create: bool, extracted: object, **kwargs: object) -> None:
        """`raised=2500`: what the bar shows, as one opening-balance gift recorded by hand."""
        amount = 2500 if extracted is None else extracted
        if not create:
            obj.raised = Decimal(amount)  # an unsaved campaign has no gifts to add up
        elif amount:
            GiftFactory(campaign=obj, amount=amount, source="opening_balance")


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsroom.Gift"

    campaign = factory.SubFactory(SupportCampaignFactory, raised=0)
    amount = 25
    currency = factory.LazyAttribute(lambda gift: gift.campaign.currency)
    source = "cheque"
    received_at = factory.LazyFunction(timezone.now)


def add_lead_image(article: Article, *, caption: str = "The quay at dawn.") -> Article:
    """Give a story a small generated lead image with renditions, as the admin would."""
    from articles import images
    from articles.models import Image
    from newsroom.demo import pictures

    upload = images.clean_upload(
        pictures.draw_image(article.slug, ("#16425b", "#81c3d7"), (1000, 560))
    )
    article.lead_image = Image.objects.create(
        file=upload, alt_text="Boats moored along a stone quay.", credit="Photo: Harbour Gazette"
    )
    article.lead_image_alt = "Boats moored along a stone quay."
    article.lead_image_caption = caption
    article.lead_image_credit = "Photo: Harbour Gazette"
    article.save()
    return article


def stories_with_everything(
    count: int, *, section: Section | None = None, at: dt.datetime | None = None, **kwargs: object
) -> list[Article]:
    """`count` live stories, each with its own author, two tags and a correction.

    Pages built from these should run the same number of queries for 1 story as for 50.
    """
    section = section or SectionFactory(slug="local", name="Local")
    start = at or timezone.now() - dt.timedelta(hours=1)
    stories = []
    for n in range(count):
        article = ArticleFactory(section=section, **kwargs)
        ArticleAuthor.objects.create(article=article, author=AuthorFactory(), position=0)
        article.tags.add("harbour", f"topic-{n}")
        article.publish(by=None, at=start - dt.timedelta(minutes=n))
        CorrectionFactory(article=article)
        stories.append(article)
    return stories
