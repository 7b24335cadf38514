"""Composing an edition from the stories published in its period: the lead first, then the
others by section (in the sections' order), newest first within a section."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from articles.models import Article
from newsletter.models import Edition, EditionItem, Newsletter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def period_stories(start: dt.datetime, end: dt.datetime) -> list[Article]:
    """The live stories published in [start, end), in the edition's order."""
    stories = list(
        Article.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .select_related("section")
    )
    placed = [a for a in stories if a.featured_position is not None]
    # The lead is the editors' front-page choice among the period's stories (the lowest
    # featured position), or else the newest story of the period.
    lead = min(
        placed or stories,
        key=lambda a: (
            a.featured_position or 0,
            -a.published_at.timestamp() if a.published_at else 0,
            -a.pk,
        ),
        default=None,
    )
    rest = sorted(
        (a for a in stories if a is not lead),
        key=lambda a: (
            a.section.position,
            a.section.name,
            a.section_id,
            -(a.published_at.timestamp() if a.published_at else 0),
            -a.pk,
        ),
    )
    return [lead, *rest] if lead is not None else []


def next_period(
    newsletter: Newsletter, *, at: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """From where the last edition stopped (or one period back) to now."""
    end = (at or timezone.now()).replace(microsecond=0)
    last = newsletter.editions.order_by("-period_end").first()
    start = last.period_end if last and last.period_end < end else end - newsletter.period
    return start, end


@transaction.atomic
def compose_edition(
    newsletter: Newsletter,
    *,
    by: User | AnonymousUser | None = None,
    at: dt.datetime | None = None,
) -> Edition:
    """A draft edition of `newsletter` with the stories of its next period."""
    start, end = next_period(newsletter, at=at)
    local_end = timezone.localtime(end)
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject=_("%(newsletter)s — %(date)s")
        % {"newsletter": newsletter.name, "date": formats.date_format(local_end, "j F Y")},
        period_start=start,
        period_end=end,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    fill(edition)
    return edition


def fill(edition: Edition) -> int:
    """(Re)compose a draft's stories from its period; the editor's note is kept."""
    edition.items.all().delete()
    stories = period_stories(edition.period_start, edition.period_end)
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=story, position=number)
        for number, story in enumerate(stories, start=1)
    )
    return len(stories)
