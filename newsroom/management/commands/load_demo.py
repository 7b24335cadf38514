"""Write the demo outlet: sections, authors, stories with images and their ledger (sources,
figures, metrics, people, quotes), and three staff sign-ins.

The content is read from the data files in `newsroom/demo/` and checked before anything is
written: a damaged file stops the command with the file and field named, and no row is made."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles import images
from articles.links import normalize_url
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Correction,
    Figure,
    Image,
    Metric,
    Person,
    Publisher,
    PublisherDomain,
    Quote,
    Section,
    Source,
)
from articles.models.publishers import bare_domain
from articles.sourcing import reader_texts, unrecorded_figures_in
from newsletter.models import Newsletter
from newsroom.demo import content, pictures
from newsroom.demo.content import DemoContentError, DemoStory, Outlet
from newsroom.invalidation import invalidate_everything
from newsroom.models import Gift, SupportCampaign


@dataclass(frozen=True)
class Ledger:
    sources: dict[str, Source]
    people: dict[str, Person]
    metrics: dict[str, Metric]


class Command(BaseCommand):
    help = "Load the fictional demo outlet. Safe to run again: nothing is duplicated."

    def handle(self, *args: object, **options: object) -> None:
        try:
            outlet = content.load()
        except DemoContentError as error:
            raise CommandError(f"The demo content is damaged: {error}") from None
        password, generated = self._password()
        with transaction.atomic():
            users = self._users(password)
            sections = self._sections(outlet)
            authors = self._authors(outlet, users)
            self._publishers(outlet)
            ledger = Ledger(
                sources=self._sources(outlet),
                people=self._people(outlet),
                metrics=self._metrics(outlet),
            )
            created = self._stories(outlet, sections, authors, users["editor"], ledger)
            self._front_page_and_campaign(outlet)
            self._newsletters(outlet)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({created} new stories)."))
        self.stdout.write("Sign in at /admin/ as editor, writer or moderator")
        if generated:
            self.stdout.write(f"  password: {password}  (generated; saved in var/demo-password)")
        else:
            self.stdout.write("  password: the value of NEWSROOM_DEMO_PASSWORD")

    def _password(self) -> tuple[str, bool]:
        if password := os.environ.get("NEWSROOM_DEMO_PASSWORD"):
            return password, False
        # Generated once and kept, so a second `make run` prints the same working password.
        saved = Path(settings.BASE_DIR) / "var" / "demo-password"
        if saved.exists():
            return saved.read_text().strip(), True
        saved.parent.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(12)
        saved.write_text(password + "\n")
        saved.chmod(0o600)
        return password, True

    def _users(self, password: str) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, group in content.SIGN_INS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@harbour-gazette.example",
                    "is_staff": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def _sections(self, outlet: Outlet) -> dict[str, Section]:
        return {
            section.slug: Section.objects.get_or_create(
                slug=section.slug,
                defaults={
                    "name": section.name,
                    "description": section.description,
                    "position": position,
                },
            )[0]
            for position, section in enumerate(outlet.sections)
        }

    def _authors(self, outlet: Outlet, users: dict) -> dict[str, Author]:
        authors = {}
        for spec in outlet.authors:
            author, _ = Author.objects.get_or_create(
                slug=spec.slug,
                defaults={"name": spec.name, "bio": spec.bio, "user": users.get(spec.user)},
            )
            authors[spec.slug] = author
        return authors

    def _publishers(self, outlet: Outlet) -> None:
        """The publisher registry; registering a domain claims the sources linked on it."""
        for spec in outlet.publishers.values():
            publisher, _ = Publisher.objects.get_or_create(
                name=spec.name, defaults={"kind": spec.kind, "note": spec.note}
            )
            for domain in spec.domains:
                PublisherDomain.objects.get_or_create(
                    domain=bare_domain(domain), defaults={"publisher": publisher}
                )

    def _sources(self, outlet: Outlet) -> dict[str, Source]:
        today = timezone.localdate()
        sources = {}
        for key, spec in outlet.sources.items():
            found = (
                Source.objects.filter(normalized_url=normalize_url(spec.url)).first()
                if spec.url
                else Source.objects.filter(title=spec.title, url="").first()
            )
            if found is None:
                published = (
                    today - dt.timedelta(days=spec.days_ago) if spec.days_ago is not None else None
                )
                found = Source.objects.create(
                    title=spec.title,
                    issued_by=Publisher.objects.filter(name=spec.publisher).first(),
                    publisher=spec.publisher,
                    kind=spec.kind,
                    url=spec.url,
                    published_on=published,
                    accessed_on=published and published + dt.timedelta(days=1),
                )
            sources[key] = found
        return sources

    def _people(self, outlet: Outlet) -> dict[str, Person]:
        return {
            slug: Person.objects.get_or_create(
                slug=slug, defaults={"name": person.name, "description": person.description}
            )[0]
            for slug, person in outlet.people.items()
        }

    def _metrics(self, outlet: Outlet) -> dict[str, Metric]:
        return {
            slug: Metric.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": metric.name,
                    "unit": metric.unit,
                    "description": metric.description,
                },
            )[0]
            for slug, metric in outlet.metrics.items()
        }

    def _record_ledger(
        self,
        article: Article,
        story: DemoStory,
        ledger: Ledger,
        published_at: dt.datetime | None,
    ) -> None:
        """What an editor does before publishing: sources, every figure, every quote.

        As-of dates count back from `published_at` (the story's date in the demo). Saving
        the story registered its body links as sources (articles/derived.py)."""
        for key in story.hand_sources:
            ArticleSource.objects.get_or_create(article=article, source=ledger.sources[key])
        # Every number readers see: the headline, standfirst and caption as well as the body.
        found = [f.figure for f in unrecorded_figures_in(reader_texts(article), [])]
        for figure in found:
            spec = story.figures.get(figure.text.lower())
            if spec is None:
                # The demo must model a sourced story; a new number needs its ledger entry. The
                # files were checked, so this is a story someone edited after a first load.
                raise CommandError(
                    f"Demo story {story.slug!r} quotes “{figure.text}” but {story.file} has no "
                    "figure entry for it."
                )
            if article.figures.filter(text__iexact=figure.text).exists():
                continue
            as_of = None
            if spec.as_of_days_before is not None and published_at:
                as_of = timezone.localdate(published_at - dt.timedelta(days=spec.as_of_days_before))
            Figure.objects.create(
                article=article,
                text=figure.text,
                value=figure.value,
                unit=figure.unit,
                counts=spec.counts,
                as_of=as_of,
                source=ledger.sources[spec.source] if spec.source else None,
                metric=ledger.metrics.get(spec.metric),
            )
        for quote in story.quotes:
            Quote.objects.get_or_create(
                article=article,
                person=ledger.people[quote.person],
                text=quote.text,
                defaults={"role": quote.role, "source": ledger.sources[quote.source]},
            )

    def _stories(
        self,
        outlet: Outlet,
        sections: dict[str, Section],
        authors: dict[str, Author],
        editor: User,
        ledger: Ledger,
    ) -> int:
        now = timezone.now()
        created = 0
        for story in outlet.stories:
            existing = Article.objects.filter(slug=story.slug).first()
            if existing is not None:
                # Stories loaded before the ledger existed get theirs; nothing is duplicated.
                self._record_ledger(
                    existing, story, ledger, existing.published_at or story.published_at(now)
                )
                continue
            article = Article(
                headline=story.headline,
                slug=story.slug,
                standfirst=story.standfirst,
                body=story.body,
                section=sections[story.section],
                lead_image_alt=story.image_alt or story.headline,
                lead_image_caption=story.image_caption,
                lead_image_credit=story.image_credit or "Illustration: Harbour Gazette",
                created_by=editor,
            )
            # Each demo picture goes into the media library, which makes its copies and crops.
            article.lead_image = Image.objects.create(
                file=images.clean_upload(pictures.draw_image(story.slug, story.palette)),
                alt_text=article.lead_image_alt,
                caption=article.lead_image_caption,
                credit=article.lead_image_credit,
                source="Harbour Gazette (demo)",
                licence="Own work",
                uploaded_by=editor,
            )
            article.save()
            for position, slug in enumerate(story.authors):
                ArticleAuthor.objects.create(
                    article=article, author=authors[slug], position=position
                )
            article.tags.set(story.tags)
            when = story.published_at(now)
            self._record_ledger(article, story, ledger, when)
            if story.status == "published":
                article.publish(by=editor, at=when)
            if story.correction and article.published_at is not None:
                Correction.objects.create(
                    article=article,
                    text=story.correction,
                    created_at=article.published_at + dt.timedelta(hours=6),
                )
            created += 1
        return created

    def _newsletters(self, outlet: Outlet) -> None:
        # Only on a site with no list yet: the editors' own lists are never touched.
        if Newsletter.objects.exists():
            return
        for position, demo in enumerate(outlet.newsletters):
            Newsletter.objects.create(
                name=demo.name,
                slug=demo.slug,
                description=demo.description,
                frequency=demo.frequency,
                in_signup_box=position == 0,
                position=position,
            )

    def _front_page_and_campaign(self, outlet: Outlet) -> None:
        for slug, position in outlet.featured.items():
            Article.objects.filter(slug=slug, featured_position__isnull=True).update(
                featured_position=position
            )
        # QuerySet.update sends no signals: the front page must not keep its old lead.
        invalidate_everything()
        if not SupportCampaign.objects.exists():
            demo = outlet.campaign
            now = timezone.now()
            campaign = SupportCampaign.objects.create(
                title=demo.title,
                appeal=demo.appeal,
                goal=demo.goal,
                currency=demo.currency,
                donate_url=demo.donate_url,
                starts_at=now - dt.timedelta(days=7),
            )
            for gift in demo.gifts:
                Gift.objects.create(
                    campaign=campaign,
                    amount=gift.amount,
                    currency=campaign.currency,
                    received_at=now - dt.timedelta(days=gift.days_ago),
                    source=gift.source,
                    donor_name=gift.donor,
                    note=gift.note,
                )
