"""The newsroom's own date and time formats, one for every page Django formats a date on (the
admin's lists, forms and history): "2 Dec 2026, 14:02", the 24-hour clock, in the newsroom's
time zone. Without them the admin wrote "8:27 p.m." in one place and "20:27" in another.
"""
