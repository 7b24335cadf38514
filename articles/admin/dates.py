"""One way to write a date and time in the admin: "2 Dec 2026, 14:02", in the newsroom's time
zone. Django's admin would otherwise mix "20:27" with "8:27 p.m." across pages."""

from __future__ import annotations

import datetime as dt

from django.template.defaultfilters import date as date_filter
from django.utils import timezone

ADMIN_DATETIME = "j M Y, H:i"


def admin_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return date_filter(timezone.localtime(value), ADMIN_DATETIME)
