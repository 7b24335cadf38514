"""Stories: the queryset that defines what readers see, the story with its workflow verbs, its
bylines and the old addresses that redirect to it."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.models.taxonomy import Author, Section
from articles.permissions import is_editor, may_write
from articles.sanitize import clean_body
from articles.sourcing import UnsourcedStory, blocking_problems

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models.provenance import ArticleSource, Source
    from articles.sources import SyncResult


def _story_path(published_at: dt.datetime | None, slug: str) -> str:
    """A live story's address: its year and month where the outlet is, and its slug."""
    local = timezone.localtime(published_at)
    return reverse(
        "articles:story", kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": slug}
    )


class _FetchedTags(QuerySet[Tag]):
    """A story's tags as `attach_tags` fetched them. Made without building a filter (that
    cost as much as taggit's own); anything chained onto it asks for exactly those tags."""

    def _chain(self) -> QuerySet[Tag]:
        tags = self._result_cache or []
        return Tag.objects.filter(pk__in=[tag.pk for tag in tags])._chain()


def attach_tags(articles: Collection[Article]) -> None:
    """The stories' tags in one query, cached on each where `prefetch_related("tags")` puts
    them, so `article.tags.all()` asks nothing more.

    taggit's own prefetch runs one query too, but then builds a full `tags_for` queryset (a
    generic-relation join) per story before filling it: about 1.5 ms of Python per story
    (profiled), a fifth of a front page's render.
    """
    articles = [article for article in articles if article.pk is not None]
    if not articles:
        return
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    by_story: dict[int, list[Tag]] = {article.pk: [] for article in articles}
    items = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(articles[0]),
            object_id__in=list(by_story),
        )
        .select_related("tag")
        .order_by("pk")
    )
    for item in items:
        by_story[item.object_id].append(item.tag)
    for article in articles:
        tags = by_story[article.pk]
        cached = _FetchedTags(model=Tag)
        cached._result_cache = tags
        # Where Django's prefetch puts them; the stubs do not declare these attributes.
        cached._prefetch_done = True  # type: ignore[attr-defined]
        article._prefetched_objects_cache = {  # type: ignore[attr-defined]
            **getattr(article, "_prefetched_objects_cache", {}),
            "tags": cached,
        }


class ArticleQuerySet(models.QuerySet["Article"]):
    # with_bylines(): attach the tags after fetching (attach_tags), not through taggit.
    _attach_tags = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]  # Django's, not in the stubs
        clone._attach_tags = self._attach_tags
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._attach_tags and self._iterable_class is models.query.ModelIterable:
            assert self._result_cache is not None  # just fetched
            attach_tags(self._result_cache)

    def published(self, at: dt.datetime | None = None) -> Self:
        """What a reader may see: published, and the publication time has come.

        The only definition of "live" in the project; views, feeds, sitemaps and search call it.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at or timezone.now())

    def scheduled(self, at: dt.datetime | None = None) -> Self:
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=at or timezone.now())

    def newest_first(self) -> Self:
        return self.order_by("-published_at", "-pk")

    def with_bylines(self) -> Self:
        """Everything a story listing shows, in a fixed number of queries."""
        chained = self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch(
                "byline_set",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            ),
        )
        chained._attach_tags = True
        return chained

    def for_staff(self, user: User) -> Self:
        """Stories a staff member may open in the admin or preview: the admin's counterpart of
        `published()`, used by every admin list, registry and history page.

        Editors see every story. Writers (who may add stories but not publish) see only their
        own unpublished ones. Read-only roles such as moderators see what readers see: live
        stories only, never a draft or an embargoed story.
        """
        if is_editor(user):
            return self
        if not may_write(user):
            return self.published()
        own = Q(created_by=user) | Q(byline_set__author__user=user)
        return self.filter(pk__in=self.filter(own).values("pk")).exclude(
            status=Article.Status.PUBLISHED
        )

    def known_to(self, user: User) -> Self:
        """Stories whose existence a staff member may learn from shared lists (tags, sources,
        people): the ones they may open, and the live ones every reader sees."""
        return self.filter(
            Q(pk__in=self.for_staff(user).values("pk")) | Q(pk__in=self.published().values("pk"))
        )

    def tags(self) -> QuerySet[Tag]:
        """The tags these stories carry, each once: `published().tags()` is what readers may
        find a tag by (its page, feed and sitemap entry)."""
        return Tag.objects.filter(
            taggit_taggeditem_items__content_type__app_label="articles",
            taggit_taggeditem_items__content_type__model="article",
            taggit_taggeditem_items__object_id__in=self.values("pk"),
        ).distinct()


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    class CommentMode(models.TextChoices):
        OPEN = "open", _("Open")
        PREMODERATED = "premoderated", _("Pre-moderated (every comment held)")
        CLOSED = "closed", _("Closed")

    headline = models.CharField(max_length=200, help_text=_("The story's title on every page."))
    slug = models.SlugField(
        max_length=200,
        allow_unicode=False,
        help_text=_(
            "The last part of the address /year/month/slug/. Changing it on a live "
            "story keeps the old address working."
        ),
    )
    standfirst = models.TextField(
        blank=True,
        max_length=600,
        help_text=_(
            "One or two sentences under the headline; also the summary in feeds, search "
            "results and link previews."
        ),
    )
    body = ProseEditorField(
        blank=True,
        config={"extensions": settings.PROSE_EDITOR_EXTENSIONS},
        sanitize=clean_body,
        help_text=_(
            "Subheadings, lists, quotes and links only; anything pasted is cleaned on save."
        ),
    )
    lead_image = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_of",
        help_text=_("The picture at the top of the story, from the media library."),
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text=_(
            "What the image shows, for readers who cannot see it. Required with an image; "
            "empty takes the library's."
        ),
    )
    lead_image_caption = models.CharField(
        "caption",
        max_length=300,
        blank=True,
        help_text=_("Shown under the image; empty takes the library's."),
    )
    lead_image_credit = models.CharField(
        "credit",
        max_length=200,
        blank=True,
        help_text=_("Photographer or agency, e.g. 'Photo: A. Name'."),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("Where the story lives on the site."),
    )
    authors: models.ManyToManyField[Author, ArticleAuthor] = models.ManyToManyField(
        Author,
        through="ArticleAuthor",
        related_name="articles",
        blank=True,
        help_text=_("Bylines, in order."),
    )
    tags = TaggableManager(
        blank=True, help_text=_("Topics, comma-separated. Each gets its own page.")
    )
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
        help_text=_("Changed with the Submit, Publish and Return to draft buttons."),
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the story goes live. A time in the future schedules it; leave empty to "
            "publish now."
        ),
    )
    publication_month = models.DateField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(
        auto_now=True, help_text=_("Shown to readers as 'Updated' when after publication.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    comment_mode = models.CharField(
        max_length=12,
        choices=CommentMode,
        default=CommentMode.OPEN,
        help_text=_(
            "Open: comments go through the moderation rules. Pre-moderated: every comment "
            "waits for a moderator. Closed: no new comments."
        ),
    )
    comments_close_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Optional: stop taking comments after this time.")
    )
    sources: models.ManyToManyField[Source, ArticleSource] = models.ManyToManyField(
        "Source",
        through="ArticleSource",
        related_name="articles",
        blank=True,
        help_text=_(
            "Documents the story relies on. Links in the body are added automatically "
            "on save; add sources without a link (an interview, a briefing) by hand."
        ),
    )
    # Set only by publish() when an editor publishes despite the sourcing check; kept in the
    # story's history with the editor and the time.
    sourcing_override_reason = models.TextField(
        blank=True,
        editable=False,
        help_text=_(
            "Why an editor published the story although the sourcing check found problems."
        ),
    )
    sourcing_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The editor who published despite the sourcing check."),
    )
    sourcing_override_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the editor published despite the sourcing check."),
    )
    featured_position = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Front-page placement chosen by editors: 1 is the lead story, 2 and up are "
            "the featured stories in that order. Leave empty to appear only by date."
        ),
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Bumped on every save; the edit form carries it so a second editor's stale save is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set by `import_wordpress` (newsroom/wordpress/) so a second import of the same
    # export updates this story instead of adding another; empty for stories written here.
    wordpress_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The WordPress post this story was imported from."),
    )
    wordpress_guid = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("The WordPress post's GUID, as the export gave it."),
    )
    # A digest of everything the importer read for this post; the same digest on a later run
    # means the post has not changed in WordPress and nothing is written.
    wordpress_digest = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["version", "publication_month"],
        history_change_reason_field=models.TextField(null=True),
    )

    objects = ArticleQuerySet.as_manager()

    # Not columns. What the last save did to the story's body-link sources, set by the
    # receiver in articles/derived.py after every save of the text (the importer reports it).
    source_sync: SyncResult

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_story_has_published_at",
                violation_error_message="A published story needs a publication time.",
            ),
            models.UniqueConstraint(
                fields=["publication_month", "slug"],
                name="slug_unique_within_month",
                violation_error_message="Another story published that month already uses this "
                "slug; choose a different one.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_live_idx"),
            models.Index(fields=["section", "status", "published_at"], name="article_section_idx"),
            # Month and year archives and the months either side.
            models.Index(
                fields=["status", "publication_month", "published_at"], name="article_month_idx"
            ),
            # The admin's story list, newest first for every status.
            models.Index(fields=["published_at", "id"], name="article_newest_idx"),
            # The page cache looks up the next comment closing time on every change; few
            # stories have one, so this stays tiny (210 ms a change at 100,000 stories without).
            models.Index(
                fields=["comments_close_at"],
                condition=Q(comments_close_at__isnull=False),
                name="article_comments_close_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived columns (reading time, the month that scopes the slug) are computed here so
        # no request ever computes them; they are not workflow.
        self._derive()
        self._take_library_words()
        self.body = clean_body(self.body)
        if self.pk:
            self.version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "version",
                "publication_month",
                "updated_at",
            }
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._keep_old_address()
        # django-simple-history leaves the reason on the instance: a later save of the same
        # object (a shell, a command) would log "Published" again for an ordinary edit.
        self.__dict__.pop("_change_reason", None)

    def get_absolute_url(self) -> str:
        if self.is_public_address():
            return self.public_path()
        return reverse("articles:preview", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        # Remembered so a save that moves a live story can leave a redirect at the old address:
        # what the address is made of, not the address, which costs a `reverse` and is needed
        # only by a save (a front page loads some forty stories and saves none).
        address_fields = {"status", "published_at", "slug"}
        if address_fields & instance.get_deferred_fields():
            instance._loaded_address = None
        else:
            instance._loaded_address = instance._address()
        return instance

    # --- Derived values ---------------------------------------------------------------------

    def is_public_address(self) -> bool:
        return self._public_from() is not None

    def _public_from(self) -> dt.datetime | None:
        """When a published story is (or will be) at its address; None for any other story."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    def public_path(self) -> str:
        return _story_path(self.published_at, self.slug)

    def _address(self) -> tuple[dt.datetime, str] | None:
        """What the story's public address is made of, or None for a story without one."""
        public_from = self._public_from()
        return (public_from, self.slug) if public_from is not None else None

    def is_live(self, at: dt.datetime | None = None) -> bool:
        public_from = self._public_from()
        return public_from is not None and public_from <= (at or timezone.now())

    def is_scheduled(self, at: dt.datetime | None = None) -> bool:
        public_from = self._public_from()
        return public_from is not None and public_from > (at or timezone.now())

    def comments_open(self, at: dt.datetime | None = None) -> bool:
        if self.comment_mode == self.CommentMode.CLOSED:
            return False
        return self.comments_close_at is None or self.comments_close_at > (at or timezone.now())

    @property
    def bylines(self) -> list[Author]:
        """Authors in byline order; uses the prefetch from `with_bylines()` when present."""
        return [link.author for link in self.byline_set.all()]

    def last_modified(self) -> dt.datetime:
        """When the story last changed for readers: its last save, or its publication when
        that came later (a story edited before its scheduled time changes when it goes live).
        Feeds, sitemaps and structured data give this time."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    def was_updated(self) -> bool:
        return self.published_at is not None and (
            self.updated_at - self.published_at > dt.timedelta(minutes=5)
        )

    def _derive(self) -> None:
        text = strip_tags(self.body or "")
        self.word_count = len(re.findall(r"\w+", text)) + len(re.findall(r"\w+", self.standfirst))
        self.reading_minutes = max(
            1, math.ceil(self.word_count / settings.NEWSROOM_WORDS_PER_MINUTE)
        )
        if self.published_at:
            local = timezone.localtime(self.published_at)
            self.publication_month = local.date().replace(day=1)
        else:
            self.publication_month = None
        if not self.slug:
            self.slug = slugify(self.headline)[:200] or "story"

    def _take_library_words(self) -> None:
        # A story may word the picture for itself; what it leaves empty comes from the library.
        words = (self.lead_image_alt, self.lead_image_caption, self.lead_image_credit)
        if not self.lead_image_id or all(word.strip() for word in words):
            return
        image = self.lead_image
        if image is None:
            return
        self.lead_image_alt = self.lead_image_alt.strip() or image.alt_text
        self.lead_image_caption = self.lead_image_caption.strip() or image.caption
        self.lead_image_credit = self.lead_image_credit.strip() or image.credit

    def clean(self) -> None:
        self._take_library_words()
        if self.lead_image_id and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )
        self._derive()

    def _keep_old_address(self) -> None:
        loaded = getattr(self, "_loaded_address", None)
        old = _story_path(*loaded) if loaded else None
        new = self.public_path() if self.is_public_address() else None
        if new:
            # The story took this address back, so it must not redirect to itself.
            ArticleRedirect.objects.filter(old_path=new).delete()
        if old and old != new:
            ArticleRedirect.objects.update_or_create(old_path=old, defaults={"article": self})
        self._loaded_address = self._address()

    # --- State changes ----------------------------------------------------------------------

    # Where a story is in its life, set only by the workflow verbs: a revert to a past version
    # restores what was written and keeps these as they are now.
    WORKFLOW_FIELDS = (
        "status",
        "published_at",
        "featured_position",
        "sourcing_override_reason",
        "sourcing_override_by",
        "sourcing_override_at",
        "version",
        "created_by",
        "created_at",
    )

    def take_workflow_state_from(self, current: Article, *, by: User | None) -> None:
        """Make this past version (about to be saved as a revert) keep `current`'s workflow
        state, and record the revert as a change of its own."""
        for name in self.WORKFLOW_FIELDS:
            setattr(self, name, getattr(current, name))
        # A past version is built from its history row, not loaded, so it does not know the
        # address the story has now; without it the save would leave that address a 404.
        self._loaded_address = current._address()
        when = dateformat.format(timezone.localtime(self.updated_at), "j M Y, H:i")
        self._log(by, f"Reverted to the version of {when}")

    def _log(self, by: User | None, reason: str) -> None:
        self._history_user = by
        self._change_reason = reason

    def take_imported_state(
        self, *, status: str, published_at: dt.datetime | None, reason: str
    ) -> None:
        """Carry a story's state over from the CMS it was imported from; the caller saves.

        Only the WordPress importer uses this. The sourcing check is not run: a story that was
        live on the old site stays live (taking it down because WordPress kept no sources would
        break every old link), and a scheduled one keeps its time. `reason` goes into the
        story's history, with no user, so the change can be told from an editor's publish.
        """
        self.status = status
        self.published_at = published_at
        self._log(None, reason)

    def submit_for_review(self, *, by: User | None) -> None:
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("Only a draft can be submitted for review."))
        self.status = self.Status.REVIEW
        self._log(by, "Submitted for review")
        self.save(update_fields=["status"])

    def publish(
        self,
        *,
        by: User | None,
        at: dt.datetime | None = None,
        override_reason: str = "",
    ) -> None:
        """Make the story live at `at` (or its own `published_at`, or now).

        A future time schedules it: it is "published" but `published()` hides it until then.
        The sourcing check runs first (scheduling is when it runs for a scheduled story): with
        problems the story stays where it is unless someone allowed to publish gives a written
        `override_reason`, which is stored with who and when and written to the history.
        """
        reason = override_reason.strip()
        problems = blocking_problems(self)
        if problems and not reason:
            raise UnsourcedStory(problems)
        if problems and not (by is not None and is_editor(by)):
            raise PermissionDenied("Only an editor can publish despite the sourcing check.")
        now = timezone.now()
        # Whole seconds: the admin's date and time boxes carry no microseconds, so a stored
        # 14:02:07.318204 came back as 14:02:07 from the next save of the form and every story
        # gained a spurious "Published at" change in its history.
        self.published_at = at or self.published_at or now.replace(microsecond=0)
        self.status = self.Status.PUBLISHED
        self._derive()
        self.validate_constraints()
        when = "Scheduled" if self.published_at > now else "Published"
        if problems:
            self.sourcing_override_reason = reason
            self.sourcing_override_by = by
            self.sourcing_override_at = now
            count = f"{len(problems)} sourcing problem{'s' if len(problems) != 1 else ''}"
            when = f"{when} despite {count}: {reason}"
        else:
            # A clean check leaves nothing to excuse; an earlier override stays in the history.
            self.sourcing_override_reason = ""
            self.sourcing_override_by = None
            self.sourcing_override_at = None
        self._log(by, when)
        self.save(
            update_fields=[
                "status",
                "published_at",
                "sourcing_override_reason",
                "sourcing_override_by",
                "sourcing_override_at",
            ]
        )
        # Publishing ends every shared preview for good: the story has its own address now,
        # and a later return to draft must not bring old links back (articles/previews.py).
        self.preview_links.filter(revoked_at__isnull=True).update(revoked_at=now, revoked_by=by)

    def accept_sourcing_problems(self, *, by: User | None, reason: str, count: int) -> None:
        """Keep an edit to a live story that added `count` sourcing problems, for `reason`.

        The same record as publishing despite the check: the reason, who and when, and a line
        in the history. Only editors may; an empty reason is no reason.
        """
        reason = reason.strip()
        if not reason:
            raise ValueError("A reason is needed to keep sourcing problems on a live story.")
        if not (by is not None and is_editor(by)):
            raise PermissionDenied("Only an editor can keep a change despite the sourcing check.")
        self.sourcing_override_reason = reason
        self.sourcing_override_by = by
        self.sourcing_override_at = timezone.now()
        plural = "s" if count != 1 else ""
        self._log(by, f"Changed while live despite {count} new sourcing problem{plural}: {reason}")
        self.save(
            update_fields=[
                "sourcing_override_reason",
                "sourcing_override_by",
                "sourcing_override_at",
            ]
        )

    def return_to_draft(self, *, by: User | None) -> None:
        """Take a story off the site (or out of review); its address stops working."""
        self.status = self.Status.DRAFT
        self._log(by, "Returned to draft")
        self.save(update_fields=["status"])


class ArticleAuthor(models.Model):
    """A byline on a story, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="byline_set")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="byline_set")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author")
        ]
        verbose_name = _("byline")

    def __str__(self) -> str:
        return self.author.name


class ArticleRedirect(models.Model):
    """An address a live story used to have; requests for it get a 301 to the story."""

    old_path = models.CharField(max_length=300, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.article}"
