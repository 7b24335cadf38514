"""Sources made from links whose words were a stand-in ("LINK", "[link]", "here") were titled
with those words, and readers saw "Source: LINK". Title them from their address instead, as
new ones are (articles/sources.py). The rules are copied here so later edits to the app
cannot change what this migration did."""

import re
from urllib.parse import unquote, urlsplit

from django.db import migrations

STAND_IN = re.compile(
    r"^[\[(<{]*\s*(?:link(?:\s+here)?|url|tk|tbc|xx+|href|here|click\s+here|this|this\s+link|"
    r"read\s+more|more|source)\s*[\])>}]*[.!:]?$",
    re.I,
)


def title_from_address(url):
    parts = urlsplit(url)
    for segment in reversed([unquote(p) for p in parts.path.split("/") if p]):
        words = re.sub(r"\.(?:html?|php|aspx?|pdf)$", "", segment, flags=re.I)
        words = re.sub(r"[-_+]+", " ", words).strip()
        if re.search(r"[A-Za-z]{3,}", words) and not re.fullmatch(r"[\d\s]+", words):
            return words[:1].upper() + words[1:]
    return f"Page on {parts.hostname or url}"


def retitle(apps, schema_editor):
    Source = apps.get_model("articles", "Source")
    for source in Source.objects.exclude(url="").iterator():
        bare = re.sub(r"\s*\([^)]*\)$", "", source.title)
        if not bare.strip() or STAND_IN.match(bare):
            source.title = title_from_address(source.url)[:300]
            source.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_publishers")]

    operations = [migrations.RunPython(retitle, migrations.RunPython.noop)]
