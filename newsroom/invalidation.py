"""What each change invalidates: the tags of articles/page_tags.py that a written row touches.

Connected to model signals on purpose: invalidation must follow every write a reader could
see — admin, verbs, importers, shell — and forgetting one call site would serve stale pages.
The receivers only bump versions (now and after commit); they change no data.

- a live story edited (text, bylines, tags, corrections, sources, figures, quotes): its
  `story:` tag (its page, its cards in listings and related lists), the feeds, the sitemaps,
  and the pages not told what they show;
- a story published, unpublished, moved, rescheduled, (un)featured or deleted: the same, and
  every listing it joins or leaves (front page and latest, its section, month, tags, authors);
- a draft or a scheduled story saved: nothing, no reader can see it (yet);
- a comment published, decided, edited or deleted: its story's `comments:` tag (the story's
  pages and thread fragment, the only places that print the count); a held comment: nothing;
- a source, person or metric edited: the stories citing it;
- the support campaign: the pages carrying the support box (stories, the support page);
- a gift saved or deleted: its campaign's total (`gifts_tag`) and, while that campaign is
  running, the pages carrying the support box; a gift to a campaign no reader sees, nothing else;
- a section; an author or a tag renamed or deleted: every page (menus, bylines, cards);
- the outlet's row (logo, share picture, description): every page (every page's header and
  sharing tags print it);
- any other row of the editorial apps: every page.

Scheduled changes need no job: `release_due()` runs on every cacheable request and, once the
time of the next one has passed (a story going live, a comment thread closing, a campaign
starting or ending), bumps what it shows and finds the next time. Each thread keeps the next
time it read for NEWSROOM_SCHEDULE_HOLD_SECONDS (one disk-cache read less per request: 53,000
instructions of the trivial view's 1.25 M); a time it holds that has passed is read again at
once, so only a change scheduled elsewhere within that second can appear that much late.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import page_tags
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    ArticleSource,
    Author,
    Correction,
    Figure,
    Metric,
    Outlet,
    Person,
    Quote,
    Section,
    Source,
)
from comments.models import Comment
from newsroom.models import Gift, SupportCampaign, gifts_tag

# Apps whose every row can appear on a public page (stories, sections, authors, sources,
# figures, quotes, tags, the support campaign).
EDITORIAL_APPS = {"articles", "newsroom", "taggit"}

# The fields that decide which listings a story is in (and where on the front page).
MEMBERSHIP_FIELDS = ("status", "published_at", "section_id", "featured_position")
_MEMBERSHIP_BEFORE = "_invalidation_membership_before"

# Rows whose change shows only on the pages of their own story.
STORY_PARTS = (Correction, Figure, Quote, ArticleSource)
# Rows no cached page shows: an old address answers with a redirect, never stored.
NOT_SHOWN = (ArticleRedirect,)


def _article_ct() -> ContentType:
    return ContentType.objects.get_for_model(Article)


def listing_tags(article_id: int, membership: tuple[Any, ...] | None) -> set[str]:
    """The listings a story in this state belongs to (none unless it is live)."""
    if not _is_public(membership):
        return set()
    assert membership is not None  # _is_public says so
    _, published_at, section_id, _ = membership
    month = timezone.localtime(published_at).date().replace(day=1)
    author_ids = ArticleAuthor.objects.filter(article_id=article_id).values_list(
        "author_id", flat=True
    )
    tag_ids = TaggedItem.objects.filter(
        content_type=_article_ct(), object_id=article_id
    ).values_list("tag_id", flat=True)
    return {
        page_tags.LATEST,
        page_tags.section_list(section_id),
        page_tags.month_list(month),
        *(page_tags.author_list(pk) for pk in author_ids),
        *(page_tags.tag_list(pk) for pk in tag_ids),
    }


def story_tags(article_id: int) -> set[str]:
    """Everything that prints a story's own content: its page and cards, feeds, sitemaps."""
    return {page_tags.story(article_id), page_tags.FEEDS, page_tags.SITEMAPS, page_tags.STORIES}


def _membership(article: Article) -> tuple[Any, ...]:
    return tuple(getattr(article, name) for name in MEMBERSHIP_FIELDS)


def _stored_membership(pk: int) -> tuple[Any, ...] | None:
    row = Article.objects.filter(pk=pk).values_list(*MEMBERSHIP_FIELDS).first()
    return tuple(row) if row is not None else None


def _is_public(membership: tuple[Any, ...] | None) -> bool:
    """Live: a scheduled story is no reader's until release_due() lets it in."""
    return (
        membership is not None
        and membership[0] == Article.Status.PUBLISHED
        and membership[1] is not None
        and membership[1] <= timezone.now()
    )


def _published(article_id: int) -> bool:
    return _is_public(_stored_membership(article_id))


# --- Stories -----------------------------------------------------------------------------------


def _article_before_save(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    before = None if instance._state.adding else _stored_membership(instance.pk)
    setattr(instance, _MEMBERSHIP_BEFORE, before)


def _article_saved(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_MEMBERSHIP_BEFORE, None)
    after = _membership(instance)
    if not (_is_public(before) or _is_public(after)):
        reschedule_after_commit()
        return  # a draft or a scheduled story, before and after: no reader sees it
    tags = story_tags(instance.pk)
    if before != after:
        tags |= listing_tags(instance.pk, before) | listing_tags(instance.pk, after)
    page_tags.bump_after_commit(tags)
    reschedule_after_commit()


def _article_before_delete(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    # Read before the delete: by then its bylines and tags are gone.
    setattr(instance, _MEMBERSHIP_BEFORE, listing_tags(instance.pk, _membership(instance)))


def _article_deleted(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    listings = instance.__dict__.pop(_MEMBERSHIP_BEFORE, set())
    if listings:
        page_tags.bump_after_commit(story_tags(instance.pk) | listings)
    reschedule_after_commit()


def _part_changed(article_id: int, *extra: str) -> None:
    """A byline, tag, correction, source, figure or quote of a story changed."""
    if _published(article_id):
        page_tags.bump_after_commit(story_tags(article_id) | set(extra))


def _byline_changed(sender: type[ArticleAuthor], instance: ArticleAuthor, **kwargs: Any) -> None:
    _part_changed(instance.article_id, page_tags.author_list(instance.author_id))


def _tagging_changed(sender: type[TaggedItem], instance: TaggedItem, **kwargs: Any) -> None:
    if instance.content_type_id == _article_ct().pk:
        _part_changed(instance.object_id, page_tags.tag_list(instance.tag_id))


def _related_set_changed(
    sender: type[models.Model], instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """`article.tags/authors/sources.add/remove/clear/set`, which write the rows in bulk
    without their own signals. Only from the story's side (the admin and the verbs' way)."""
    if not isinstance(instance, Article):
        _anything_else(sender)
        return
    listing = {Article.tags.through: page_tags.tag_list, ArticleAuthor: page_tags.author_list}
    make = listing.get(sender)
    if action == "pre_clear" and make is not None:
        field = "tag_id" if sender is Article.tags.through else "author_id"
        rows = sender._default_manager.filter(
            **(
                {"content_type": _article_ct(), "object_id": instance.pk}
                if sender is Article.tags.through
                else {"article_id": instance.pk}
            )
        )
        instance.__dict__["_invalidation_cleared"] = set(rows.values_list(field, flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    ids = pk_set or instance.__dict__.pop("_invalidation_cleared", set())
    _part_changed(instance.pk, *(make(pk) for pk in ids) if make else ())


def _story_part_changed(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    _part_changed(instance.article_id)


def _citing_stories(instance: models.Model) -> set[int]:
    """The stories whose pages print this source, person or metric."""
    if isinstance(instance, Source):
        return {
            *ArticleSource.objects.filter(source=instance).values_list("article_id", flat=True),
            *Figure.objects.filter(source=instance).values_list("article_id", flat=True),
            *Quote.objects.filter(source=instance).values_list("article_id", flat=True),
        }
    if isinstance(instance, Person):
        return set(Quote.objects.filter(person=instance).values_list("article_id", flat=True))
    return set(Figure.objects.filter(metric_id=instance.pk).values_list("article_id", flat=True))


def _record_changed(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    tags = {page_tags.STORIES}
    for article_id in _citing_stories(instance):
        tags.add(page_tags.story(article_id))
    page_tags.bump_after_commit(tags)


def _shown_everywhere(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    """Sections (in every page's menu); authors and tags once they have a name in print."""
    if kwargs.get("created") and sender in {Author, Tag}:
        return  # nothing prints a new author or tag until a story carries it
    page_tags.bump_after_commit([page_tags.SITE])


def _campaign_changed(sender: type[SupportCampaign], **kwargs: Any) -> None:
    page_tags.bump_after_commit([page_tags.CAMPAIGN])
    reschedule_after_commit()


_GIFT_CAMPAIGN_BEFORE = "_invalidation_gift_campaign_before"


def _gift_before_save(sender: type[Gift], instance: Gift, **kwargs: Any) -> None:
    # A gift moved to another campaign leaves the first one's total too.
    before = None
    if not instance._state.adding:
        before = Gift.objects.filter(pk=instance.pk).values_list("campaign_id", flat=True).first()
    setattr(instance, _GIFT_CAMPAIGN_BEFORE, before)


def _gift_changed(sender: type[Gift], instance: Gift, **kwargs: Any) -> None:
    """A gift's campaign total, and the support box only while a reader can see it."""
    ids = {instance.campaign_id, instance.__dict__.pop(_GIFT_CAMPAIGN_BEFORE, None)} - {None}
    tags = {gifts_tag(pk) for pk in ids}
    if any(c.is_running() for c in SupportCampaign.objects.filter(pk__in=ids)):
        tags.add(page_tags.CAMPAIGN)
    page_tags.bump_after_commit(tags)


_HANDLED = {Article, ArticleAuthor, TaggedItem, *STORY_PARTS, *NOT_SHOWN, Source, Person, Metric}
_HANDLED |= {SupportCampaign, Gift, Outlet}


def _outlet_changed(sender: type[Outlet], **kwargs: Any) -> None:
    """The logo is in every page's header and sharing tags: SITE, which every page carries."""
    page_tags.bump_after_commit([page_tags.SITE])


def _anything_else(sender: type[models.Model], **kwargs: Any) -> None:
    """A row of the editorial apps no receiver above knows: every page, to be safe."""
    meta = sender._meta
    # Options.model_name is only empty before the class is set up; a sender always has one.
    historical = (meta.model_name or "").startswith("historical")
    exact = sender in _HANDLED or sender in {Section, Author, Tag}
    if meta.app_label in EDITORIAL_APPS and not historical and not exact:
        page_tags.bump_after_commit([page_tags.SITE])


# --- Comments ----------------------------------------------------------------------------------


def _comment_change(sender: type[Comment], instance: Comment, **kwargs: Any) -> None:
    # Only what readers can see: a comment that is (or was just decided to be or not to be)
    # published. A spam wave of held comments must not touch the cache.
    update_fields = kwargs.get("update_fields")
    decided = update_fields is not None and "status" in update_fields
    if instance.status == Comment.Status.APPROVED or decided or kwargs.get("signal") is post_delete:
        page_tags.bump_after_commit([page_tags.comments(instance.article_id), page_tags.COMMENTS])


# --- Scheduled changes -------------------------------------------------------------------------

NEXT_KEY = "newsroom:next-scheduled"


def _next_time(now: dt.datetime) -> float | None:
    """When the next story goes live, comment thread closes or campaign starts or ends."""
    moments = [
        Article.objects.scheduled(at=now).aggregate(at=Min("published_at"))["at"],
        Article.objects.published(at=now)
        .filter(comments_close_at__gt=now)
        .aggregate(at=Min("comments_close_at"))["at"],
        SupportCampaign.objects.filter(starts_at__gt=now).aggregate(at=Min("starts_at"))["at"],
        SupportCampaign.objects.filter(ends_at__gt=now).aggregate(at=Min("ends_at"))["at"],
    ]
    upcoming = [moment for moment in moments if moment is not None]
    return min(upcoming).timestamp() if upcoming else None


# Stored when the schedule is unknown (a fresh or emptied cache): look back one page lifetime.
_UNKNOWN = -1.0


# This thread's copy of the next time: (the version store it came from, the time, until when
# it is trusted on time.monotonic()). Per thread because caches are; tied to the store object
# so a cache configured anew (tests change CACHES) is read afresh.
_held = threading.local()


def _hold(store: Any, due: float | None) -> None:
    _held.next = (store, due, time.monotonic() + settings.NEWSROOM_SCHEDULE_HOLD_SECONDS)


def reschedule() -> None:
    """Store the time of the next scheduled change, unless one already due awaits release."""
    store = page_tags.version_store()
    now = timezone.now()
    waiting = store.get(NEXT_KEY, _UNKNOWN)
    if waiting is not None and 0 <= waiting <= now.timestamp():
        _hold(store, waiting)
        return  # release_due() has a change to release first; it stores the next time
    upcoming = _next_time(now)
    store.set(NEXT_KEY, upcoming, timeout=page_tags.VERSION_TIMEOUT)
    _hold(store, upcoming)


def reschedule_after_commit() -> None:
    """Now (this connection sees its own change) and once the change commits."""
    reschedule()
    transaction.on_commit(reschedule)


def release_due() -> None:
    """If a scheduled change's time has come, bump what it shows (one cache read when not)."""
    store = page_tags.version_store()
    now = timezone.now()
    held_store, held_due, held_until = getattr(_held, "next", (None, None, 0.0))
    trusted = held_store is store and time.monotonic() < held_until
    if trusted and (held_due is None or held_due > now.timestamp()):
        return  # the time this thread read within the hold is still to come
    due = store.get(NEXT_KEY, _UNKNOWN)
    _hold(store, due)
    if due is None or due > now.timestamp():
        return
    if due == _UNKNOWN:
        # Whatever became due more than a page lifetime ago has no stored page left to fix.
        since = now - dt.timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_TIMEOUT)
    else:
        since = dt.datetime.fromtimestamp(due, tz=dt.UTC)
    tags: set[str] = set()
    going_live = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gte=since, published_at__lte=now
    )
    for article in going_live.only(*MEMBERSHIP_FIELDS):
        tags |= story_tags(article.pk) | listing_tags(article.pk, _membership(article))
    closing = Article.objects.filter(comments_close_at__gte=since, comments_close_at__lte=now)
    tags |= {page_tags.story(pk) for pk in closing.values_list("pk", flat=True)}
    campaigns = SupportCampaign.objects.filter(
        models.Q(starts_at__gte=since, starts_at__lte=now)
        | models.Q(ends_at__gte=since, ends_at__lte=now)
    )
    if campaigns.exists():
        tags.add(page_tags.CAMPAIGN)
    page_tags.bump(tags)
    upcoming = _next_time(now)
    store.set(NEXT_KEY, upcoming, timeout=page_tags.VERSION_TIMEOUT)
    _hold(store, upcoming)


def invalidate_everything() -> None:
    """For writes that send no signals (bulk_create, QuerySet.update): every page goes."""
    page_tags.bump([page_tags.SITE])
    reschedule()


def connect() -> None:
    uid = "newsroom-cache"
    pre_save.connect(_article_before_save, sender=Article, dispatch_uid=f"{uid}-article-pre")
    post_save.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}-article-save")
    pre_delete.connect(_article_before_delete, sender=Article, dispatch_uid=f"{uid}-article-pd")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid=f"{uid}-article-del")
    pre_save.connect(_gift_before_save, sender=Gift, dispatch_uid=f"{uid}-gift-pre")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_byline_changed, sender=ArticleAuthor, dispatch_uid=f"{uid}-byline-{name}")
        signal.connect(_tagging_changed, sender=TaggedItem, dispatch_uid=f"{uid}-tagged-{name}")
        for part in STORY_PARTS:
            signal.connect(
                _story_part_changed, sender=part, dispatch_uid=f"{uid}-{part.__name__}-{name}"
            )
        for record in (Source, Person, Metric):
            signal.connect(
                _record_changed, sender=record, dispatch_uid=f"{uid}-{record.__name__}-{name}"
            )
        signal.connect(_campaign_changed, sender=SupportCampaign, dispatch_uid=f"{uid}-sc-{name}")
        signal.connect(_gift_changed, sender=Gift, dispatch_uid=f"{uid}-gift-{name}")
        signal.connect(_outlet_changed, sender=Outlet, dispatch_uid=f"{uid}-outlet-{name}")
        signal.connect(_comment_change, sender=Comment, dispatch_uid=f"{uid}-comment-{name}")
        signal.connect(_anything_else, dispatch_uid=f"{uid}-else-{name}")
    for model in (Section, Author, Tag):
        post_save.connect(_shown_everywhere, sender=model, dispatch_uid=f"{uid}-{model}-save")
        post_delete.connect(_shown_everywhere, sender=model, dispatch_uid=f"{uid}-{model}-del")
    for through in (Article.tags.through, ArticleAuthor, ArticleSource):
        m2m_changed.connect(
            _related_set_changed, sender=through, dispatch_uid=f"{uid}-{through.__name__}-m2m"
        )
