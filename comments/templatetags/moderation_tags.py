"""Thin wrappers for the admin's templates over comments/desk.py."""

from __future__ import annotations

import datetime as dt

from django import template
from django.template import Context
from django.utils import timezone

from comments import desk
from comments.decisions import is_moderator

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_waiting(context: Context) -> desk.Waiting | None:
    """What waits in the queue, for a moderator; None for anyone else (the block is hidden)."""
    request = context.get("request")
    if request is None or not is_moderator(request.user):
        return None
    return desk.waiting()


@register.filter
def duration(span: dt.timedelta | None) -> str:
    return desk.duration(span)


@register.filter
def waited(since: dt.datetime | None) -> str:
    """How long ago, as a duration: "3 h 20 min"."""
    return desk.duration(timezone.now() - since) if since else "—"
