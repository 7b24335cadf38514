"""Reader comments with their verbs, the moderation log and reader flags."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, TextChoices
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.decisions import MODERATE_CODENAME
from comments.text import render_body

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from comments.models.tuning import Block

REMOVED_TEXT = "[removed]"

# Sent by Comment.approve() with `comment=` once its new status is saved and logged. The mail
# about a published reply listens (comments/notifications.py), so these models need not import
# the mail, which reads them.
comment_published = Signal()


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        """What a reader may see under a story: published comments, and tombstones.

        The only definition of a visible comment. A comment taken down (removed, rejected,
        spam, or back in the queue) that still has published replies stays as a "[removed]"
        tombstone so the thread reads; without published replies it disappears. Replies are
        found through `parent` and, for the top of a thread, through `root`, which covers the
        default depth of three completely.
        """
        published_reply = Comment.objects.filter(status=Comment.Status.APPROVED).filter(
            Q(parent=OuterRef("pk")) | Q(root=OuterRef("pk"))
        )
        return self.filter(Q(status=Comment.Status.APPROVED) | Q(Exists(published_reply)))

    def published(self) -> CommentQuerySet:
        """Visible comments with their text (no tombstones): what the count counts.

        Every published comment is visible, so this is the subset of `visible()` without the
        tombstone test."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_order(self) -> CommentQuerySet:
        return self.order_by("created_at", "pk")


class Comment(models.Model):
    # Set on the comments of a page while comments/threads.py assembles it; never stored.
    thread_replies: list[Comment]
    is_own_pending: bool
    # Set on the queue's rows: the other moderator who has it open, or "".
    reviewer: str

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    class FlagState(TextChoices):
        """What readers' flags can still do to it."""

        COUNTING = "counting", _("Flags can take it down")
        HIDDEN = "hidden", _("Taken down by readers' flags")
        # A moderator published it again after flags took it down: a few readers must not be
        # able to overrule that, so further flags are shown in the queue and hide nothing.
        KEPT = "kept", _("Kept by a moderator; flags no longer take it down")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text=_("The comment this one replies to; empty for a new conversation."),
    )
    # The top of the conversation; lets a page of conversations load all its replies at once.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    name = models.CharField(max_length=80, help_text=_("Shown with the comment."))
    email = models.EmailField(
        blank=True,
        help_text=_("Never shown on the site. Emptied for rejected comments after 90 days."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text=_("The staff account that posted it, if signed in."),
    )
    body = models.TextField(help_text=_("Plain text; links are made clickable on the site."))
    # The body as readers see it (escaped, line breaks kept, links made), derived on save like
    # a story's reading time, so a page of 200 comments parses none of them (issue #6).
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, db_index=True, editable=False
    )
    held_reasons = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text=_("Why the rules held or refused it: rule, reason and any matched words."),
    )
    ip_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("A keyed hash of the sender's address; the address itself is never stored."),
    )
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    notify_replies = models.BooleanField(
        default=False, help_text=_("The commenter asked for an e-mail when someone replies.")
    )
    reply_notice_sent = models.BooleanField(default=False, editable=False)
    flag_state = models.CharField(
        max_length=8,
        choices=FlagState,
        default=FlagState.COUNTING,
        editable=False,
        help_text=_("Whether readers' flags can still send it back to the queue."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The moderator who has it open in the queue, and since when (comments/claims.py): another
    # moderator sees "being reviewed by" and cannot decide it until the claim lapses.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An editor's pick is shown first in its story's conversations, with a label.
    picked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a moderator or editor made it an editor's pick; empty if it is not one."),
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set by `import_wordpress`: the comment's id in WordPress, unique within its story, so a
    # second import adds only the comments that are new.
    wordpress_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The WordPress comment this was imported from."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [(MODERATE_CODENAME, "Can use the moderation queue and log")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam", "removed"]),
                name="comment_status_known",
            ),
            models.CheckConstraint(
                condition=Q(flag_state__in=["counting", "hidden", "kept"]),
                name="comment_flag_state_known",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0)
                | Q(parent__isnull=False, root__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
            models.UniqueConstraint(
                fields=["article", "wordpress_id"],
                condition=Q(wordpress_id__isnull=False),
                name="comment_wordpress_id_unique_per_story",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_thread_idx"),
            # A story's top-level comments (`parent IS NULL`): SQLite's statistics count only
            # non-null parents, so without this it took the parent index for the NULLs and
            # walked every thread's root on the site (300 ms per comment-area render at a
            # million comments, on every first view after a decision).
            models.Index(fields=["article", "parent"], name="comment_roots_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["ip_hash", "created_at"], name="comment_flood_idx"),
            models.Index(fields=["email", "created_at"], name="comment_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article_id}: {self.body[:40]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def derive(self) -> None:
        """Fill the columns computed from others; bulk writers call it since they skip save()."""
        self.body_html = render_body(self.body)

    @property
    def is_tombstone(self) -> bool:
        return self.status != self.Status.APPROVED

    @property
    def reasons_text(self) -> str:
        return "; ".join(item.get("reason", "") for item in self.held_reasons)

    @property
    def matched_words(self) -> list[str]:
        return [word for item in self.held_reasons for word in item.get("words", [])]

    # --- State changes ----------------------------------------------------------------------

    def _decide(
        self,
        status: str,
        action: str,
        *,
        by: User | None,
        reason: str,
        rule: str = "",
        at: dt.datetime | None = None,
        also: tuple[str, ...] = (),
    ) -> ModerationEvent:
        """Set the status and who decided, save them (and the fields named in `also`, which the
        verb has set), and log the decision."""
        self.status = status
        self.moderated_by = by
        self.moderated_at = at or timezone.now()
        # Decided: nobody is reviewing it any more.
        self.claimed_by = None
        self.claimed_at = None
        if status != self.Status.APPROVED:
            # Taken down: no longer held up as one of the best.
            self.picked_at, self.picked_by = None, None
            also = (*also, "picked_at", "picked_by")
        self.save(
            update_fields=[
                "status",
                "moderated_by",
                "moderated_at",
                "claimed_by",
                "claimed_at",
                *also,
            ]
        )
        return ModerationEvent.record(self, action, by=by, rule=rule, reason=reason)

    def approve(self, *, by: User | None, reason: str = "", rule: str = "") -> None:
        # Published: why it was held is answered (the log keeps it), and must not greet the
        # moderator who later finds it among the flagged ones.
        self.held_reasons = []
        also: tuple[str, ...] = ("held_reasons",)
        if by is not None and self.flag_state == self.FlagState.HIDDEN:
            # A person read the flags and published it anyway: only a person hides it now.
            self.flag_state = self.FlagState.KEPT
            also = (*also, "flag_state")
        self._decide(
            self.Status.APPROVED,
            ModerationEvent.Action.APPROVED,
            by=by,
            reason=reason,
            rule=rule,
            also=also,
        )
        comment_published.send(sender=Comment, comment=self)

    @property
    def is_pick(self) -> bool:
        return self.picked_at is not None

    def pick(self, *, by: User) -> None:
        """Make a published comment an editor's pick: shown first under the story."""
        if self.status != self.Status.APPROVED:
            raise ValueError("Only a published comment can be an editor's pick.")
        self.picked_at, self.picked_by = timezone.now(), by
        self.save(update_fields=["picked_at", "picked_by"])
        ModerationEvent.record(self, ModerationEvent.Action.PICKED, by=by)

    def unpick(self, *, by: User) -> None:
        self.picked_at, self.picked_by = None, None
        self.save(update_fields=["picked_at", "picked_by"])
        ModerationEvent.record(self, ModerationEvent.Action.UNPICKED, by=by)

    def hide_for_flags(self, *, count: int, threshold: int) -> None:
        """Readers' flags send a published comment back to the queue until a moderator looks."""
        self.flag_state = self.FlagState.HIDDEN
        why = f"{count} reader flags (limit {threshold})."
        # Held now for the flags alone, whatever held it before it was published.
        self.held_reasons = [{"rule": "flags", "action": "hold", "reason": why}]
        self._decide(
            self.Status.PENDING,
            ModerationEvent.Action.RETURNED,
            by=None,
            rule="flags",
            reason=why,
            also=("flag_state", "held_reasons"),
        )

    def reject(self, *, by: User | None, reason: str, rule: str = "") -> None:
        self._decide(
            self.Status.REJECTED, ModerationEvent.Action.REJECTED, by=by, reason=reason, rule=rule
        )

    def mark_spam(self, *, by: User | None, reason: str = "", rule: str = "") -> None:
        self._decide(self.Status.SPAM, ModerationEvent.Action.SPAM, by=by, reason=reason, rule=rule)

    def remove(self, *, by: User | None, reason: str) -> None:
        """Take a published comment down; with published replies it stays as a tombstone."""
        self._decide(self.Status.REMOVED, ModerationEvent.Action.REMOVED, by=by, reason=reason)

    def return_to_pending(self, *, by: User | None, reason: str, rule: str = "") -> None:
        self._decide(
            self.Status.PENDING, ModerationEvent.Action.RETURNED, by=by, reason=reason, rule=rule
        )

    def block_commenter(self, *, by: User | None, reason: str = "") -> list[Block]:
        """Block this commenter's address and e-mail, and file the comment as spam."""
        blocks = []
        # The block list says where a block came from; the log keeps only the moderator's words.
        why = reason or f"Blocked from comment {self.pk}"
        if self.email:
            blocks.append(Block.add(Block.Kind.EMAIL, self.email, reason=why, by=by))
        if self.ip_hash:
            blocks.append(Block.add(Block.Kind.IP_HASH, self.ip_hash, reason=why, by=by))
        ModerationEvent.record(self, ModerationEvent.Action.BLOCKED, by=by, reason=reason)
        self.mark_spam(by=by, reason=reason)
        return blocks

    def erase(self, *, delete: bool = False) -> None:
        """Anonymise at the commenter's request; replies keep their place under a tombstone."""
        if delete and not self.replies.exists():
            ModerationEvent.record(
                self,
                ModerationEvent.Action.ERASED,
                by=None,
                rule="erase_commenter",
                reason="Deleted at the commenter's request",
            )
            self.delete()
            return
        self.name = REMOVED_TEXT
        self.email = ""
        self.ip_hash = ""
        self.body = REMOVED_TEXT
        self.user = None
        self.notify_replies = False
        self.status = self.Status.REMOVED
        self.save(
            update_fields=["name", "email", "ip_hash", "body", "user", "notify_replies", "status"]
        )
        ModerationEvent.record(
            self,
            ModerationEvent.Action.ERASED,
            by=None,
            rule="erase_commenter",
            reason="Anonymised at the commenter's request",
        )


class ModerationEvent(models.Model):
    """One line of the moderation log. Append-only: nothing edits or deletes a line."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Published")
        HELD = "held", _("Held for review")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Marked as spam")
        REMOVED = "removed", _("Removed")
        RETURNED = "returned", _("Returned to the queue")
        FLAGGED = "flagged", _("Flagged by a reader")
        BLOCKED = "blocked", _("Commenter blocked")
        ERASED = "erased", _("Erased on request")
        PICKED = "picked", _("Made an editor's pick")
        UNPICKED = "unpicked", _("No longer an editor's pick")

    class ActorKind(models.TextChoices):
        PERSON = "person", _("Person")
        RULE = "rule", _("Rule")
        READER = "reader", _("Reader")

    # Kept after the comment is deleted on request, so the log never loses a line.
    comment = models.ForeignKey(
        Comment, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    comment_ref = models.PositiveBigIntegerField(help_text=_("The comment's number."))
    action = models.CharField(max_length=10, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=8, choices=ActorKind)
    # The username or rule name at the time, so the log still says who after an account goes.
    actor_name = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "-at"], name="moderation_event_action_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} #{self.comment_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The log is evidence; an edit would make it worthless.
        if not self._state.adding:
            raise ValueError("Moderation events are append-only.")
        super().save(*args, **kwargs)

    @classmethod
    def record(
        cls,
        comment: Comment,
        action: str,
        *,
        by: User | None,
        reason: str = "",
        rule: str = "",
        reader: bool = False,
    ) -> ModerationEvent:
        if by is not None:
            kind, name = cls.ActorKind.PERSON, by.get_username()
        elif reader:
            kind, name = cls.ActorKind.READER, "reader"
        else:
            kind, name = cls.ActorKind.RULE, rule or "system"
        return cls.objects.create(
            comment=comment,
            comment_ref=comment.pk,
            action=action,
            actor=by,
            actor_kind=kind,
            actor_name=name,
            reason=reason,
        )


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or hateful")
        OFF_TOPIC = "off_topic", _("Off-topic")
        PRIVACY = "privacy", _("Shares someone's private details")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=500, blank=True, help_text=_("The reader's own words."))
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            # One reader cannot send a comment back to the queue alone.
            models.UniqueConstraint(
                fields=["comment", "ip_hash"],
                condition=~Q(ip_hash=""),
                name="one_flag_per_reader",
            )
        ]
        # The hourly limit counts one address's recent flags.
        indexes = [models.Index(fields=["ip_hash", "at"], name="flag_address_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"
