"""Mail to the newsroom's own staff about stories, sent after the transaction commits: a
colleague named in an editorial note, and editors when a story is submitted for review.

Only people who may open the story in the admin are told about it (`for_staff`), so a mention
cannot show a draft's headline to someone the roles table keeps it from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from articles.models import Article, EditorialNote
from articles.permissions import PUBLISH

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# @username, as Django allows usernames (letters, digits, @ . + - _), not ending in the full
# stop or comma of the sentence around it, and not inside an e-mail address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w+-])")


def mentioned_names(text: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(text)))


def mentioned_colleagues(note: EditorialNote) -> list[User]:
    """Active staff named in the note who may open its story; never the note's author."""
    names = mentioned_names(note.text)
    if not names:
        return []
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    people = get_user_model().objects.filter(match, is_active=True, is_staff=True).exclude(email="")
    if note.author_id:
        people = people.exclude(pk=note.author_id)
    return [
        person
        for person in people.order_by("pk")
        if Article.objects.for_staff(person).filter(pk=note.article_id).exists()
    ]


def editors(*, besides: User | None = None) -> list[User]:
    """Everyone who may publish (Editors, by group or by hand, and superusers) with an address."""
    app, codename = PUBLISH.split(".")
    may_publish = (
        Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app)
        | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app)
        | Q(is_superuser=True)
    )
    people = get_user_model().objects.filter(may_publish, is_active=True, is_staff=True)
    people = people.exclude(email="").distinct().order_by("pk")
    if besides is not None:
        people = people.exclude(pk=besides.pk)
    return list(people)


def _name(user: User | None) -> str:
    if user is None:
        return gettext("Someone")
    return str(user.get_full_name() or user.get_username())


def _story_address(article: Article) -> str:
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def _headline(article: Article) -> str:
    return " ".join(article.headline.split())  # no line break may reach a header


def _send_after_commit(subject: str, body: str, to: Iterable[str]) -> None:
    recipients = list(to)
    if not recipients:
        return

    def send_staff_notice() -> None:
        # One message per person: colleagues' addresses are not shown to each other.
        for address in recipients:
            EmailMessage(subject, body, to=[address]).send()

    transaction.on_commit(send_staff_notice, robust=True)


def tell_mentioned(note: EditorialNote) -> list[User]:
    """Mail the colleagues a new note names; returns who will be told."""
    people = mentioned_colleagues(note)
    article = note.article
    names = {"name": _name(note.author), "headline": _headline(article)}
    body = gettext("%(name)s mentioned you in a note on “%(headline)s”:\n\n") % names + (
        gettext("%(note)s\n\nOpen the story: %(link)s\n")
        % {"note": note.text, "link": _story_address(article)}
    )
    _send_after_commit(
        gettext("%(name)s mentioned you: %(headline)s") % names,
        body,
        (person.email for person in people),
    )
    return people


def tell_editors_of_review(article: Article, *, by: User | None) -> None:
    """Mail every editor (but the one submitting) that a story waits for them."""
    body = gettext(
        "%(name)s submitted “%(headline)s” for review.\n\n"
        "Read it and publish it, or send it back: %(link)s\n"
    ) % {"name": _name(by), "headline": _headline(article), "link": _story_address(article)}
    _send_after_commit(
        gettext("For review: %(headline)s") % {"headline": _headline(article)},
        body,
        (person.email for person in editors(besides=by)),
    )
