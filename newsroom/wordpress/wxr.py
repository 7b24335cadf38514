"""Reading a WordPress export (WXR) safely: `parse_wxr(path)` → `export.WxrExport`.

Tools → Export in WordPress writes "WordPress eXtended RSS": an RSS 2.0 document whose
`channel` carries `wp:` elements for authors, categories and tags, and one `item` per post,
page or attachment, with its comments nested inside. `parse_wxr` turns such a file into the
frozen dataclasses of `newsroom/wordpress/export.py` and touches no database, so the importer
(`import_wordpress`) and its `--dry-run` share one reading of the file. This module feeds the
file to the XML parser and refuses what an export never contains; `elements.py` maps the
elements to records as they stream past.

The file is untrusted: it comes from whoever ran the export, often a hacked or plugin-heavy
site. So:

- it is parsed by defusedxml with DTDs, entity declarations and external references all
  refused (billion laughs, `file:///etc/passwd`); WordPress never writes any of them;
- it is streamed through a small target (no element tree), so memory follows the size of the
  data kept, not the size of the markup;
- size policy: a file over `MAX_FILE_BYTES` (512 MB) or a single run of text over
  `MAX_TEXT_CHARS` (10 million characters) is refused before it is held in memory. A big
  newsroom's export of 10,000 stories and 100,000 comments is about 100-200 MB, and a
  story body of 10 million characters is not a story; WordPress can export by date range or
  category, so a larger site exports in parts;
- every way the file can be wrong ends in `WxrError` with one line a person can act on;
  the command prints it and exits 1.

Bodies are converted separately, by `markup.wordpress_body_to_html`, because the importer
converts them per post (a failure rolls back that post alone).
"""

from __future__ import annotations

import os
from datetime import tzinfo
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils import timezone

from newsroom.wordpress.elements import WxrBuilder
from newsroom.wordpress.export import WxrError, WxrExport

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TEXT_CHARS = 10_000_000
_CHUNK_BYTES = 1024 * 1024


def parse_wxr(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    time_zone: tzinfo | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_text_chars: int = MAX_TEXT_CHARS,
) -> WxrExport:
    """Read a WordPress export from a path or a binary file.

    Local dates without a GMT twin are read in `time_zone`, by default the site's
    (settings.TIME_ZONE), which should be the zone the WordPress site was set to.

    Raises WxrError, with a one-line message, for anything that is not a readable WXR file.
    """
    zone = time_zone or timezone.get_default_timezone()
    builder = WxrBuilder(time_zone=zone, max_text_chars=max_text_chars)
    if isinstance(source, (str, os.PathLike)):
        try:
            size = os.stat(source).st_size
            if size > max_file_bytes:
                raise _file_too_large(max_file_bytes)
            with open(source, "rb") as file:
                _feed(file, builder, max_file_bytes)
        except OSError as error:
            raise WxrError(f"Cannot read {os.fspath(source)}: {error.strerror}.") from error
    else:
        _feed(source, builder, max_file_bytes)
    return builder.export()


def _file_too_large(limit: int) -> WxrError:
    return WxrError(
        f"The file is larger than {limit // (1024 * 1024)} MB; export from WordPress in parts "
        "(Tools → Export can limit by date or category) and import each one."
    )


def _feed(file: BinaryIO, builder: WxrBuilder, max_file_bytes: int) -> None:
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    total = 0
    try:
        while chunk := file.read(_CHUNK_BYTES):
            if total == 0 and chunk.startswith((b"PK\x03\x04", b"\x1f\x8b")):
                raise WxrError("The file is compressed: unzip it and import the .xml inside.")
            total += len(chunk)
            if total > max_file_bytes:
                raise _file_too_large(max_file_bytes)
            parser.feed(chunk)
    except ParseError as error:
        line, column = error.position
        raise WxrError(
            f"This is not a WordPress export: the XML is broken at line {line}, column {column} "
            f"({_expat_reason(error)})."
        ) from error
    except DefusedXmlException as error:
        raise _refused(error) from error
    except (LookupError, ValueError) as error:
        # pyexpat's way of refusing the encoding the XML declaration names (Shift-JIS,
        # made-up names); WordPress always exports UTF-8.
        raise WxrError(
            f"The file's text encoding cannot be read ({error}); WordPress exports UTF-8, so "
            "export it again rather than converting it."
        ) from error
    try:
        parser.close()
    except ParseError as error:
        raise WxrError(
            "The file ends before the export does: it is empty or was cut off while "
            "downloading; export it from WordPress again."
        ) from error
    except DefusedXmlException as error:
        raise _refused(error) from error


def _expat_reason(error: ParseError) -> str:
    # "mismatched tag: line 3, column 2" → "mismatched tag": the position is said once.
    return str(error).split(":", 1)[0]


def _refused(error: DefusedXmlException) -> WxrError:
    if isinstance(error, DTDForbidden):
        what = "a document type declaration (DTD)"
    elif isinstance(error, EntitiesForbidden):
        what = "entity declarations"
    else:
        what = "references to external files"
    return WxrError(
        f"Refused: the file contains {what}, which WordPress never writes and which can be "
        "used to attack the server."
    )
