"""One way to write a date and time in the admin: "2 Dec 2026, 14:02", in the newsroom's time
zone, for the columns and messages our own code writes (newsroom/formats sets the same for
Django's)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def admin_datetime(value: dt.datetime | None) -> str:
    """The DATETIME_FORMAT of newsroom/formats, where Django's own formatting uses it too."""
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
