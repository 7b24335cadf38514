"""The newsletter's mail: the confirmation a reader asked for, and an edition rendered once
and addressed to each recipient with their own unsubscribe link.

Editions carry an HTML part and a plain-text part, no tracking pixel and no redirected
links: what a reader opens is nobody's business. Each message carries RFC 8058 one-click
unsubscribe (`List-Unsubscribe` with an https address and `List-Unsubscribe-Post`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from newsletter import tokens
from newsletter.models import Edition, Newsletter, Subscriber, Subscription

# Stands in for the recipient's own unsubscribe address in the rendered edition: the edition
# is rendered once, then this is replaced per recipient (a render per recipient cost more
# than the SMTP hand-over).
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__recipient__"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscription_id: int) -> str:
    return absolute(
        reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscription_id)])
    )


def confirmation_message(
    subscriber: Subscriber, newsletters: list[Newsletter]
) -> EmailMultiAlternatives:
    token = tokens.confirmation_token(subscriber.pk, [n.pk for n in newsletters])
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "newsletters": newsletters,
        "confirm_url": absolute(reverse("newsletter:confirm", args=[token])),
        "valid_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
    }
    subject = _("Confirm your subscription to %(site)s") % {"site": settings.SITE_NAME}
    return _templated(subject, "newsletter/email/confirm", context, subscriber)


def already_subscribed_message(
    subscriber: Subscriber, subscriptions: list[Subscription]
) -> EmailMultiAlternatives:
    """The answer to a sign-up from an address already confirmed on every list it asked for:
    it tells the mailbox's owner, and only them, and offers the way out."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "lists": [(s.newsletter, unsubscribe_url(s.pk)) for s in subscriptions],
        "manage_url": absolute(reverse("newsletter:page")),
    }
    subject = _("You are already subscribed to %(site)s") % {"site": settings.SITE_NAME}
    return _templated(subject, "newsletter/email/already_subscribed", context, subscriber)


def _templated(
    subject: str, template: str, context: dict, subscriber: Subscriber
) -> EmailMultiAlternatives:
    """A mail to one subscriber from `template`.txt with `template`.html beside it."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[subscriber.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


@dataclass(frozen=True)
class RenderedEdition:
    subject: str
    text: str
    html: str
    list_id: str

    def message_to(
        self, email: str, unsubscribe: str, *, connection: object = None, test: bool = False
    ) -> EmailMultiAlternatives:
        subject = _("[Test] %(subject)s") % {"subject": self.subject} if test else self.subject
        message = EmailMultiAlternatives(
            subject=subject,
            body=self.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe),
            to=[email],
            connection=connection,
            headers={
                # RFC 8058: mail clients offer "Unsubscribe" and POST to the address themselves.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": self.list_id,
                # Bulk mail: auto-responders should not answer it (RFC 3834).
                "Auto-Submitted": "auto-generated",
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(
            self.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe), "text/html"
        )
        return message


def render_edition(edition: Edition) -> RenderedEdition:
    stories = edition.stories()
    newsletter = edition.newsletter
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "edition": edition,
        "newsletter": newsletter,
        "lead": stories[0] if stories else None,
        "stories": [(story, absolute(story.get_absolute_url())) for story in stories],
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "signup_url": absolute(reverse("newsletter:page")),
    }
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return RenderedEdition(
        subject=edition.subject,
        text=render_to_string("newsletter/email/edition.txt", context),
        html=render_to_string("newsletter/email/edition.html", context),
        list_id=f"{newsletter.name} <{newsletter.slug}.{host}>",
    )
