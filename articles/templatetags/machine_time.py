"""`{{ value|w3c_datetime }}`: a time as machines read it, in every template without a load.

Registered as a template builtin (settings.TEMPLATES) because every app prints times for
`<time datetime>`, feeds and sitemaps. Django's `date:"c"` keeps microseconds when the value
has them (every `timezone.now()` does), which the HTML checker rejects in `datetime`.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def w3c_datetime(value: dt.datetime | dt.date | None) -> str:
    """Local time to the second with its offset: 2021-03-04T09:30:00+00:00 (a date: 2021-03-04)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
