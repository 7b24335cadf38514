"""Dates and times for the site's language (LANGUAGE_CODE en-gb); see newsroom/formats.

The last four are Newsroom's own names, read by the `local_date` filter
(articles/templatetags/local_dates.py)."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
LONG_DATE_FORMAT = "j F Y"
LONG_DATETIME_FORMAT = "j F Y, H:i"
DAY_TIME_FORMAT = "j M, H:i"
SECONDS_DATETIME_FORMAT = "j M Y, H:i:s"
