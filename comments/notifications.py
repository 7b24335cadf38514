"""Plain-text mail about comments, sent after the transaction commits.

No reader-supplied value ever goes into a header: recipients are validated addresses, subjects
are built from the story headline with line breaks flattened, and names appear only in bodies.
A reader's words reach a mail only quoted through `quote()`: a message from the outlet's own
address must not carry a stranger's links, so they are left out or made unclickable, and the
only links are to our own site.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import desk, trust
from comments.decisions import MODERATE_CODENAME
from comments.models import Comment, comment_published
from comments.privacy import email_digest
from comments.text import defang

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "comments.unsubscribe"
# Long enough for any mail still being read; an older link offers a fresh one, so a forwarded
# or leaked message cannot change a reader's settings for ever.
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=60)
# A reader's words in a mail, at most; the whole comment is a click away on our site.
QUOTE_LIMIT = 1500
# One mail of a kind a reader asks for (a fresh link) per address in this time, so a form
# cannot be used to flood someone's inbox.
ASKED_MAIL_INTERVAL = 60 * 60


def after_commit(send: Callable[[int], object], pk: int) -> None:
    """Send once the transaction commits. Robust: a mail server that is down is logged, it does
    not turn a stored comment or a moderator's decision into an error page."""

    # A named function, not a partial: Django names the callback when it logs a failure.
    def send_after_commit() -> None:
        send(pk)

    transaction.on_commit(send_after_commit, robust=True)


def connect() -> None:
    """Called once from CommentsConfig.ready()."""
    comment_published.connect(_reply_published, sender=Comment, dispatch_uid="reply-notice")


def _reply_published(sender: type[Comment], comment: Comment, **kwargs: object) -> None:
    """A reply was published by its verb: tell the parent's author once the decision commits.
    (A reply the rules publish at once is scheduled by submit_comment, which stores it.)"""
    if comment.parent_id and not comment.reply_notice_sent:
        after_commit(send_reply_notice, comment.pk)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:150]


def quote(text: str) -> str:
    """A reader's words for our mail: links left out, addresses unclickable, marked quoted."""
    words = defang(text)
    if len(words) > QUOTE_LIMIT:
        words = words[:QUOTE_LIMIT].rstrip() + " […]"
    return "\n".join(f"> {line}" if line else ">" for line in words.splitlines())


def reader_name(name: str) -> str:
    """A commenter's name as a mail's sentence shows it: one line, no clickable address."""
    return defang(_one_line(name))


def once_an_hour(kind: str, email: str) -> bool:
    """True the first time in ASKED_MAIL_INTERVAL that this kind of mail goes to `email`.

    Kept in the shared cache, which every worker sees; losing it only allows one more mail.
    An unreachable Redis answers None (newsroom/resilient_cache.py): the mail goes, as when
    the key was lost, rather than never.
    """
    key = f"comments:mail:{kind}:{email_digest(email)}"
    return cache.add(key, 1, timeout=ASKED_MAIL_INTERVAL) is not False


# --- Unsubscribing --------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsubscribeLink:
    email: str
    expired: bool


def unsubscribe_url(email: str, *, at: dt.datetime | None = None) -> str:
    issued = at or timezone.now()
    token = signing.dumps(
        {"e": email.strip().lower(), "t": int(issued.timestamp())},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )
    return settings.SITE_URL + reverse("comments:unsubscribe", kwargs={"token": token})


def read_unsubscribe_token(token: str, *, now: dt.datetime | None = None) -> UnsubscribeLink | None:
    """Whom the link is for and whether it is too old; None if it is not one of ours."""
    if len(token) > 500:
        return None
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, str):
        # Sent before links carried their time: ours, but of unknown age.
        return UnsubscribeLink(email=value, expired=True)
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        return None
    try:
        issued = dt.datetime.fromtimestamp(float(value["t"]), tz=dt.UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    expired = (now or timezone.now()) - issued > UNSUBSCRIBE_MAX_AGE
    return UnsubscribeLink(email=value["e"], expired=expired)


def unsubscribe(email: str) -> int:
    """No more reply notices for this address; how many comments asked for them."""
    return Comment.objects.filter(email__iexact=email, notify_replies=True).update(
        notify_replies=False
    )


def send_fresh_unsubscribe_link(email: str) -> bool:
    """Mail a new link to the address an expired one was for; False if nothing was sent."""
    subscribed = Comment.objects.filter(email__iexact=email, notify_replies=True).exists()
    if not subscribed or not once_an_hour("unsubscribe", email):
        return False
    stop = unsubscribe_url(email)
    body = _(
        "Someone opened an old link to stop reply notices from %(site)s for this "
        "address and asked for a new one.\n\n"
        "To stop e-mails about replies to your comments with one click: %(stop)s\n"
        "This link works for %(days)d days.\n\n"
        "If you did not ask, you can ignore this message; nothing has changed.\n"
    ) % {"site": settings.SITE_NAME, "stop": stop, "days": UNSUBSCRIBE_MAX_AGE.days}
    _send(_("A new link to stop reply notices"), body, [email], {"List-Unsubscribe": f"<{stop}>"})
    return True


def moderators() -> QuerySet:
    """Active accounts that may moderate and have an address to write to."""
    perm = Q(
        groups__permissions__codename=MODERATE_CODENAME,
        groups__permissions__content_type__app_label="comments",
    ) | Q(
        user_permissions__codename=MODERATE_CODENAME,
        user_permissions__content_type__app_label="comments",
    )
    return (
        get_user_model()
        .objects.filter(perm | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .distinct()
    )


def _send(subject: str, body: str, to: list[str], headers: dict | None = None) -> int:
    message = EmailMessage(
        subject=_one_line(subject),
        body=body,
        to=to,
        headers=headers or {},
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    return message.send(fail_silently=False)


def send_reply_notice(comment_pk: int) -> bool:
    """Tell the parent's author about a published reply, once, if they asked."""
    reply = (
        Comment.objects.select_related("parent", "article")
        .filter(pk=comment_pk, status=Comment.Status.APPROVED, reply_notice_sent=False)
        .first()
    )
    if reply is None or reply.parent is None:
        return False
    parent = reply.parent
    if not parent.notify_replies or not parent.email:
        return False
    if parent.email.lower() == (reply.email or "").lower():
        return False  # nobody needs mail about their own reply
    # Claimed before sending so two workers approving at once cannot both send.
    if not Comment.objects.filter(pk=reply.pk, reply_notice_sent=False).update(
        reply_notice_sent=True
    ):
        return False
    stop = unsubscribe_url(parent.email)
    link = settings.SITE_URL + reply.get_absolute_url()
    body = _(
        "%(name)s replied to your comment on “%(headline)s”. "
        "Their words, with any web addresses taken out:\n\n"
        "%(words)s\n\n"
        "Read the reply on %(site)s: %(link)s\n\n"
        "You asked for these e-mails when you commented. "
        "To stop them with one click: %(stop)s\n"
    ) % {
        "name": reader_name(reply.name),
        "headline": reply.article.headline,
        "words": quote(reply.body),
        "site": settings.SITE_NAME,
        "link": link,
        "stop": stop,
    }
    _send(
        _("New reply to your comment on “%(headline)s”") % {"headline": reply.article.headline},
        body,
        [parent.email],
        {"List-Unsubscribe": f"<{stop}>"},
    )
    return True


def send_confirmation(comment_pk: int) -> bool:
    """Mail "confirm it's you" to the address a held comment gave, at most once an hour."""
    comment = (
        Comment.objects.select_related("article")
        .filter(pk=comment_pk, status=Comment.Status.PENDING)
        .exclude(email="")
        .first()
    )
    if comment is None or not once_an_hour("confirm", comment.email):
        return False
    token = trust.confirmation_token(comment)
    link = settings.SITE_URL + reverse("comments:confirm", kwargs={"token": token})
    headline = comment.article.headline
    body = _(
        "Someone commented on “%(headline)s” on %(site)s, giving this address, "
        "from a browser where it has not been confirmed. The name shown was "
        "%(name)s, and the comment:\n\n"
        "%(words)s\n\n"
        "If it was you, confirm it on our site within %(days)d days: "
        "%(link)s\n"
        "Confirming publishes the comment (unless a moderator must see it for another "
        "reason), and the browser you confirm in then posts your comments without waiting.\n\n"
        "If it was not you, ignore this e-mail: nothing is published with your address "
        "unless you confirm or a moderator approves it, and we send at most one of these "
        "an hour.\n"
    ) % {
        "headline": headline,
        "site": settings.SITE_NAME,
        "name": reader_name(comment.name),
        "words": quote(comment.body),
        "days": trust.CONFIRM_MAX_AGE.days,
        "link": link,
    }
    _send(
        _("Confirm your comment on “%(headline)s”") % {"headline": headline}, body, [comment.email]
    )
    return True


def send_held_notice(comment_pk: int) -> int:
    comment = Comment.objects.select_related("article").filter(pk=comment_pk).first()
    recipients = list(moderators().values_list("email", flat=True))
    if comment is None or not recipients:
        return 0
    queue = settings.SITE_URL + reverse("moderation:queue")
    body = _(
        "A comment on “%(headline)s” is waiting for a moderator.\n"
        "Why it was held: %(why)s\n\n"
        "%(name)s wrote:\n%(words)s\n\nThe queue: %(queue)s\n"
    ) % {
        "headline": comment.article.headline,
        "why": comment.reasons_text or _("no reason recorded"),
        "name": reader_name(comment.name),
        "words": quote(comment.body),
        "queue": queue,
    }
    subject = _("Comment held on “%(headline)s”") % {"headline": comment.article.headline}
    return _send(subject, body, recipients)


def desk_lines(figures: desk.DeskFigures) -> list[str]:
    """The desk's figures as the digest's plain-text lines."""
    oldest = figures.waiting.oldest
    waited = desk.duration(timezone.now() - oldest) if oldest else "—"
    per_moderator = ", ".join(f"{name} {n}" for name, n in figures.per_moderator) or _("none")
    days = {"days": figures.days}
    return [
        _("The desk:"),
        _("- Waiting now: %(count)s") % {"count": figures.waiting.count},
        _("- Oldest waiting: %(wait)s") % {"wait": waited},
        _("- Median time to decision, last %(days)s days: %(median)s")
        % {**days, "median": desk.duration(figures.median_to_decision)},
        _("- Decisions, last %(days)s days: %(count)s (%(who)s)")
        % {**days, "count": figures.decided, "who": per_moderator},
    ]


def send_digest() -> int:
    """One message to every moderator listing what waits, oldest first; none if nothing does."""
    pending = Comment.objects.filter(status=Comment.Status.PENDING).select_related("article")
    total = pending.count()
    recipients = list(moderators().values_list("email", flat=True))
    if not total or not recipients:
        return 0
    counted = {"count": total}
    lines = [
        ngettext(
            "%(count)s comment waiting for moderation.",
            "%(count)s comments waiting for moderation.",
            total,
        )
        % counted,
        "",
    ]
    for comment in pending.order_by("created_at", "pk")[:50]:
        lines.append(
            f"- {comment.created_at:%d %b %H:%M} · {comment.article.headline} · "
            f"{reader_name(comment.name)}: {defang(_one_line(comment.body)[:100])}"
        )
        if comment.reasons_text:
            lines.append(_("  Held: %(why)s") % {"why": comment.reasons_text})
    if total > 50:
        lines.append(_("…and %(count)s more.") % {"count": total - 50})
    lines += ["", *desk_lines(desk.figures())]
    queue = f"{settings.SITE_URL}{reverse('moderation:queue')}"
    lines += ["", _("The queue: %(queue)s") % {"queue": queue}]
    subject = (
        ngettext("%(count)s comment to moderate", "%(count)s comments to moderate", total) % counted
    )
    _send(subject, "\n".join(lines), recipients)
    return len(recipients)
