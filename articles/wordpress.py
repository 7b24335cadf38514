"""Reading a WordPress export (WXR) into plain data an importer can write to the database.

Tools → Export in WordPress writes "WordPress eXtended RSS": an RSS 2.0 document whose
`channel` carries `wp:` elements for authors, categories and tags, and one `item` per post,
page or attachment, with its comments nested inside. This module turns such a file into
frozen dataclasses and touches no database, so the importer (`import_wordpress`) and its
`--dry-run` share one reading of the file and every mapping here is testable on its own.

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

Bodies are converted separately, by `wordpress_body_to_html`, because the importer converts
them per post (a failure rolls back that post alone).
"""

from __future__ import annotations

import bisect
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

import nh3
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils import timezone
from django.utils.text import slugify

from articles.sanitize import clean_body

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TEXT_CHARS = 10_000_000
# rss/channel/item/wp:comment/wp:commentmeta/wp:meta_key is as deep as WXR goes; a file
# nested far deeper is not an export, and refusing it keeps the element stack small.
MAX_DEPTH = 32
_CHUNK_BYTES = 1024 * 1024

_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_WP_EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
_NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}

# Post meta the importer needs; everything else (plugin caches, edit locks) is not kept.
_THUMBNAIL_ID = "_thumbnail_id"
_ATTACHED_FILE = "_wp_attached_file"
_IMAGE_ALT = "_wp_attachment_image_alt"
# Core WordPress has no "primary category" and exports a post's categories by name; Yoast
# SEO, on most news sites, records the one the editor chose as the main one.
_PRIMARY_CATEGORY = "_yoast_wpseo_primary_category"
_KEPT_META = {_THUMBNAIL_ID, _ATTACHED_FILE, _IMAGE_ALT, _PRIMARY_CATEGORY}


class WxrError(Exception):
    """The file cannot be imported; `str(error)` is one line for the person running it."""


class PostState(StrEnum):
    """What a WordPress post becomes in Newsroom.

    `SCHEDULED` is a published story whose time is still ahead (Newsroom needs no job to
    publish it); the importer stores it as published with that `published_at`.
    """

    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    DRAFT = "draft"
    REVIEW = "review"


class CommentState(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"


_POST_STATES = {
    "publish": PostState.PUBLISHED,
    "future": PostState.SCHEDULED,
    "draft": PostState.DRAFT,
    "pending": PostState.REVIEW,
    # Newsroom has no private stories; a draft keeps it off the site.
    "private": PostState.DRAFT,
}
_SKIPPED_POST_STATES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an auto-draft WordPress made, never saved by anyone",
    "inherit": "a revision",
}
_COMMENT_STATES = {
    "1": CommentState.APPROVED,
    "0": CommentState.PENDING,
    "spam": CommentState.SPAM,
}
_SKIPPED_COMMENT_STATES = {
    "trash": "in the WordPress trash",
    "post-trashed": "its post was trashed",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrAuthor:
    wordpress_id: int | None
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrTerm:
    """A category (becomes a section) or a tag. `parent` is the parent category's slug."""

    slug: str
    name: str
    parent: str = ""
    wordpress_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrAttachment:
    wordpress_id: int
    url: str
    # Relative to wp-content/uploads, e.g. "2023/04/ferry.jpg"; "" when the file's path was
    # missing or tried to leave the uploads folder ("../", an absolute path).
    attached_file: str
    title: str
    caption: str
    alt_text: str
    parent_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrComment:
    """A reader's comment. `ip_address` is raw: hash it, never store it."""

    wordpress_id: int
    # The nearest ancestor that was kept: a reply to a trashed comment hangs from that
    # comment's own parent, so no thread loses its place.
    parent_id: int | None
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    user_id: int | None
    created_at: datetime
    # WordPress comment HTML as exported; `wordpress_comment_to_text` makes it plain text.
    content: str
    state: CommentState


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrPost:
    wordpress_id: int
    guid: str
    # The old permalink; the importer keeps it working as a redirect.
    link: str
    title: str
    slug: str
    author_login: str
    excerpt: str
    # WordPress content as exported; `wordpress_body_to_html` makes the story body.
    content: str
    state: PostState
    published_at: datetime | None
    modified_at: datetime | None
    # The first category is the story's section, the rest become tags with `tags`.
    categories: list[WxrTerm]
    tags: list[WxrTerm]
    thumbnail_id: int | None
    comments_open: bool
    comments: list[WxrComment]
    # Things the importer should tell the editor, e.g. a password that Newsroom cannot keep.
    notes: list[str] = field(default_factory=list)

    @property
    def old_path(self) -> str:
        """The path of the old permalink, e.g. "/2023/04/ferry-strike/"."""
        return urlsplit(self.link).path


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrSkipped:
    """Something in the file that is deliberately not imported, and why."""

    kind: str  # "post", "page", "comment", …: WordPress's own word for it
    wordpress_id: int | None
    label: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WxrExport:
    wxr_version: str
    site_title: str
    site_url: str
    authors: list[WxrAuthor]
    categories: list[WxrTerm]
    tags: list[WxrTerm]
    posts: list[WxrPost]
    attachments: dict[int, WxrAttachment]
    skipped: list[WxrSkipped]

    def featured_image(self, post: WxrPost) -> WxrAttachment | None:
        if post.thumbnail_id is None:
            return None
        return self.attachments.get(post.thumbnail_id)


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
    builder = _WxrBuilder(time_zone=zone, max_text_chars=max_text_chars)
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


def _feed(file: BinaryIO, builder: _WxrBuilder, max_file_bytes: int) -> None:
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


def _local_name(tag: str) -> str:
    """ "{http://wordpress.org/export/1.2/}post_id" → "wp:post_id", whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    if _WP_NAMESPACE.match(namespace):
        return f"wp:{local}"
    if _WP_EXCERPT_NAMESPACE.match(namespace):
        return f"excerpt:{local}"
    prefix = _NAMESPACE_PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else tag


# Channel-level records: the element and the fields kept from its children.
_CHANNEL_RECORDS = {"wp:author", "wp:category", "wp:tag"}


class _WxrBuilder:
    """An XMLParser target that builds the export while the file streams past.

    Attribute names matter: XMLParser hooks up any of `comment`, `pi`, `doctype`,
    `start_ns` it finds on the target, so none of those names is used here.

    Only leaf text is collected, and only while it stays under the limit; each `item` is
    turned into a dataclass as soon as it closes, so raw fields never pile up.
    """

    def __init__(self, *, time_zone: tzinfo, max_text_chars: int) -> None:
        self.time_zone = time_zone
        self.max_text_chars = max_text_chars
        self.stack: list[str] = []
        self.text: list[str] = []
        self.text_length = 0
        self.names: dict[str, str] = {}
        self.wxr_version = ""
        self.site_title = ""
        self.site_url = ""
        self.authors: list[WxrAuthor] = []
        self.categories: list[WxrTerm] = []
        self.tags: list[WxrTerm] = []
        self.posts: list[WxrPost] = []
        self.attachments: dict[int, WxrAttachment] = {}
        self.skipped: list[WxrSkipped] = []
        self.record: dict[str, str] = {}
        self.item: dict[str, str] = {}
        self.item_meta: dict[str, str] = {}
        self.item_terms: list[tuple[str, str, str]] = []
        self.term_attributes: tuple[str, str] = ("", "")
        self.item_comments: list[dict[str, str]] = []
        self.raw_comment: dict[str, str] = {}
        self.meta: dict[str, str] = {}

    # XMLParser target protocol -------------------------------------------------------------

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = _local_name(tag)
        depth = len(self.stack)
        if depth == 0 and name != "rss":
            raise WxrError(
                f"This is not a WordPress export: the document is <{name}>, not an RSS file "
                "from Tools → Export."
            )
        if depth == 1 and name != "channel":
            raise WxrError("This is not a WordPress export: <rss> does not start with <channel>.")
        if depth >= MAX_DEPTH:
            raise WxrError("This is not a WordPress export: its elements are nested too deeply.")
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        self.text = []
        self.text_length = 0
        if parent == "channel":
            if name == "item":
                if not self.wxr_version:
                    raise WxrError(
                        "This is an RSS feed, not a WordPress export: it has no wp:wxr_version "
                        "(use Tools → Export in WordPress)."
                    )
                self.item = {}
                self.item_meta = {}
                self.item_terms = []
                self.item_comments = []
            elif name in _CHANNEL_RECORDS:
                self.record = {}
        elif parent == "item":
            if name == "wp:comment":
                self.raw_comment = {}
            elif name == "wp:postmeta":
                self.meta = {}
            elif name == "category":
                self.term_attributes = (
                    attributes.get("domain", ""),
                    attributes.get("nicename", ""),
                )

    def data(self, text: str) -> None:
        self.text_length += len(text)
        if self.text_length > self.max_text_chars:
            where = self.stack[-1] if self.stack else "the document"
            raise WxrError(
                f"Refused: a single text in <{where}> is longer than "
                f"{self.max_text_chars:,} characters, far more than any story."
            )
        self.text.append(text)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        text = "".join(self.text)
        self.text = []
        self.text_length = 0
        parent = self.stack[-1] if self.stack else ""
        if parent == "item":
            if name == "category":
                domain, nicename = self.term_attributes
                self.item_terms.append((domain, nicename, text))
            elif name == "wp:postmeta":
                key = self.meta.get("wp:meta_key", "")
                if key in _KEPT_META:
                    self.item_meta[key] = self.meta.get("wp:meta_value", "")
            elif name == "wp:comment":
                self.item_comments.append(self.raw_comment)
            else:
                self.item[name] = text
        elif parent in ("wp:comment", "wp:postmeta"):
            (self.raw_comment if parent == "wp:comment" else self.meta)[name] = text
        elif parent == "channel":
            if name == "item":
                self._finish_item()
            elif name in _CHANNEL_RECORDS:
                self._finish_record(name)
            elif name == "wp:wxr_version":
                self.wxr_version = text.strip()
            elif name == "title":
                self.site_title = _plain_text(text)
            elif name == "wp:base_blog_url" or (name == "link" and not self.site_url):
                self.site_url = text.strip()
        elif parent in _CHANNEL_RECORDS and len(self.stack) == 3:
            self.record[name] = text

    def close(self) -> None:
        """Called by the parser at the end of a well-formed document."""

    # Building records ----------------------------------------------------------------------

    def export(self) -> WxrExport:
        if not self.wxr_version:
            raise WxrError(
                "This is not a WordPress export: it has no wp:wxr_version "
                "(use Tools → Export in WordPress)."
            )
        return WxrExport(
            wxr_version=self.wxr_version,
            site_title=self.site_title,
            site_url=self.site_url,
            authors=self.authors,
            categories=self.categories,
            tags=self.tags,
            posts=self.posts,
            attachments=self.attachments,
            skipped=self.skipped,
        )

    def _finish_record(self, name: str) -> None:
        record = self.record
        if name == "wp:author":
            self.authors.append(
                WxrAuthor(
                    wordpress_id=_int_or_none(record.get("wp:author_id")),
                    login=record.get("wp:author_login", "").strip(),
                    email=record.get("wp:author_email", "").strip(),
                    display_name=_plain_text(record.get("wp:author_display_name", "")),
                    first_name=_plain_text(record.get("wp:author_first_name", "")),
                    last_name=_plain_text(record.get("wp:author_last_name", "")),
                )
            )
        elif name == "wp:category":
            category_name = _plain_text(record.get("wp:cat_name", ""))
            self.categories.append(
                WxrTerm(
                    slug=_slug(record.get("wp:category_nicename", ""), category_name),
                    name=category_name,
                    parent=_slug(record.get("wp:category_parent", ""), ""),
                    wordpress_id=_int_or_none(record.get("wp:term_id")),
                )
            )
        else:
            tag_name = _plain_text(record.get("wp:tag_name", ""))
            self.tags.append(
                WxrTerm(
                    slug=_slug(record.get("wp:tag_slug", ""), tag_name),
                    name=tag_name,
                    wordpress_id=_int_or_none(record.get("wp:term_id")),
                )
            )

    def _finish_item(self) -> None:
        item = self.item
        post_type = item.get("wp:post_type", "").strip()
        wordpress_id = _int_or_none(item.get("wp:post_id"))
        title = _plain_text(item.get("title", ""))
        label = title or f"(untitled {post_type or 'item'})"
        if wordpress_id is None:
            self._skip(post_type or "item", None, label, "it has no WordPress id")
        elif post_type == "attachment":
            self._finish_attachment(wordpress_id, title)
        elif post_type != "post":
            kind = post_type or "item"
            reason = (
                "a revision"
                if post_type == "revision"
                else f"Newsroom imports posts, not WordPress {kind}s"
            )
            self._skip(kind, wordpress_id, label, reason)
        else:
            self._finish_post(wordpress_id, title, label)

    def _finish_attachment(self, wordpress_id: int, title: str) -> None:
        item, meta = self.item, self.item_meta
        url = item.get("wp:attachment_url", "").strip()
        self.attachments[wordpress_id] = WxrAttachment(
            wordpress_id=wordpress_id,
            url=url,
            attached_file=_uploads_path(meta.get(_ATTACHED_FILE, ""), url),
            title=title,
            caption=_plain_text(item.get("excerpt:encoded", "")),
            alt_text=_plain_text(meta.get(_IMAGE_ALT, "")),
            parent_id=_int_or_none(item.get("wp:post_parent")) or None,
        )

    def _finish_post(self, wordpress_id: int, title: str, label: str) -> None:
        item = self.item
        status = item.get("wp:status", "").strip()
        if status in _SKIPPED_POST_STATES:
            self._skip("post", wordpress_id, label, _SKIPPED_POST_STATES[status])
            return
        state = _POST_STATES.get(status)
        if state is None:
            self._skip("post", wordpress_id, label, f"unknown WordPress status {status!r}")
            return
        published_at = self._date(item.get("wp:post_date_gmt"), item.get("wp:post_date"))
        if published_at is None and state in (PostState.PUBLISHED, PostState.SCHEDULED):
            self._skip("post", wordpress_id, label, "it is published but has no date")
            return
        notes = []
        if status == "private":
            notes.append("private in WordPress, imported as a draft")
        if item.get("wp:post_password", ""):
            # Newsroom has no password-protected stories; publishing it would show readers
            # what the outlet had hidden.
            if state in (PostState.PUBLISHED, PostState.SCHEDULED):
                state = PostState.DRAFT
            notes.append("password-protected in WordPress, imported as a draft")
        categories, tags = self._post_terms()
        self.posts.append(
            WxrPost(
                wordpress_id=wordpress_id,
                guid=item.get("guid", "").strip(),
                link=item.get("link", "").strip(),
                title=title,
                slug=_slug(item.get("wp:post_name", ""), title) or f"post-{wordpress_id}",
                author_login=item.get("dc:creator", "").strip(),
                excerpt=_plain_text(item.get("excerpt:encoded", "")),
                content=item.get("content:encoded", ""),
                state=state,
                published_at=published_at,
                modified_at=self._date(item.get("wp:post_modified_gmt"), None),
                categories=categories,
                tags=tags,
                thumbnail_id=_int_or_none(self.item_meta.get(_THUMBNAIL_ID)),
                comments_open=item.get("wp:comment_status", "").strip() == "open",
                comments=self._post_comments(wordpress_id),
                notes=notes,
            )
        )

    def _post_terms(self) -> tuple[list[WxrTerm], list[WxrTerm]]:
        parents = {term.slug: term.parent for term in self.categories}
        categories: list[WxrTerm] = []
        tags: list[WxrTerm] = []
        for domain, nicename, text in self.item_terms:
            term_name = _plain_text(text)
            slug = _slug(nicename, term_name)
            if not slug:
                continue
            if domain == "category":
                categories.append(WxrTerm(slug=slug, name=term_name, parent=parents.get(slug, "")))
            elif domain == "post_tag":
                tags.append(WxrTerm(slug=slug, name=term_name))
        primary_id = _int_or_none(self.item_meta.get(_PRIMARY_CATEGORY))
        if primary_id is not None:
            primary = next((c.slug for c in self.categories if c.wordpress_id == primary_id), "")
            categories.sort(key=lambda category: category.slug != primary)
        return categories, tags

    def _post_comments(self, post_id: int) -> list[WxrComment]:
        parents: dict[int, int | None] = {}
        kept: list[tuple[dict[str, str], int, datetime]] = []
        kept_ids: set[int] = set()
        for raw in self.item_comments:
            comment_id = _int_or_none(raw.get("wp:comment_id"))
            if comment_id is None:
                self._skip("comment", None, f"on post {post_id}", "it has no WordPress id")
                continue
            parents[comment_id] = _int_or_none(raw.get("wp:comment_parent")) or None
            created_at = self._date(raw.get("wp:comment_date_gmt"), raw.get("wp:comment_date"))
            reason = _comment_skip_reason(raw) or ("" if created_at else "it has no date")
            if reason or created_at is None:
                self._skip("comment", comment_id, f"on post {post_id}", reason)
            else:
                kept.append((raw, comment_id, created_at))
                kept_ids.add(comment_id)
        return [
            WxrComment(
                wordpress_id=comment_id,
                parent_id=_kept_ancestor(parents[comment_id], parents, kept_ids),
                author_name=_plain_text(raw.get("wp:comment_author", "")),
                author_email=raw.get("wp:comment_author_email", "").strip(),
                author_url=raw.get("wp:comment_author_url", "").strip(),
                ip_address=raw.get("wp:comment_author_IP", "").strip(),
                user_id=_int_or_none(raw.get("wp:comment_user_id")) or None,
                created_at=created_at,
                content=raw.get("wp:comment_content", ""),
                state=_COMMENT_STATES.get(
                    raw.get("wp:comment_approved", "").strip(), CommentState.PENDING
                ),
            )
            for raw, comment_id, created_at in kept
        ]

    def _date(self, gmt: str | None, local: str | None) -> datetime | None:
        """WordPress writes "0000-00-00 00:00:00" as the GMT date of a never-published draft."""
        moment = _naive_date(gmt)
        if moment is not None:
            return moment.replace(tzinfo=UTC)
        moment = _naive_date(local)
        if moment is not None:
            return timezone.make_aware(moment, self.time_zone)
        return None

    def _skip(self, kind: str, wordpress_id: int | None, label: str, reason: str) -> None:
        self.skipped.append(
            WxrSkipped(kind=kind, wordpress_id=wordpress_id, label=label, reason=reason)
        )


def _comment_skip_reason(raw: dict[str, str]) -> str:
    comment_type = raw.get("wp:comment_type", "").strip()
    if comment_type in ("pingback", "trackback"):
        return f"a {comment_type}, not a reader's comment"
    if comment_type not in ("", "comment"):
        return f"a WordPress {comment_type!r}, not a reader's comment"
    approved = raw.get("wp:comment_approved", "").strip()
    return _SKIPPED_COMMENT_STATES.get(approved, "")


def _kept_ancestor(
    parent: int | None, parents: dict[int, int | None], kept: set[int]
) -> int | None:
    seen: set[int] = set()
    while parent is not None and parent not in kept and parent not in seen:
        seen.add(parent)  # a hand-edited file can make a loop
        parent = parents.get(parent)
    return parent if parent in kept else None


def _naive_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        # WordPress writes "2024-01-15 09:30:00"; fromisoformat reads it ten times faster
        # than strptime, which matters at 100,000 comments.
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # The caller adds the zone; a date that carries its own is not one WordPress wrote.
    return moment if moment.tzinfo is None else None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _slug(wordpress_slug: str, fallback_text: str) -> str:
    # WordPress stores non-ASCII slugs percent-encoded ("caf%c3%a9"); Newsroom's are ASCII.
    return slugify(unquote(wordpress_slug.strip())) or slugify(fallback_text)


def _uploads_path(attached_file: str, url: str) -> str:
    """A path inside the uploads folder, or "" when the file's own claim cannot be trusted."""
    candidate = attached_file.strip()
    if not candidate and "/uploads/" in url:
        candidate = unquote(urlsplit(url).path.split("/uploads/", 1)[1])
    path = PurePosixPath(candidate.replace("\\", "/"))
    if not candidate or path.is_absolute() or ".." in path.parts or ":" in candidate:
        return ""
    return str(path)


_SPACES = re.compile(r"\s+")


def _plain_text(value: str) -> str:
    """Titles, names and captions: no tags, entities decoded, spaces collapsed.

    WordPress keeps "&amp;" and "&#8217;" in titles and category names as typed, so they
    are decoded; tags someone put in a title are dropped with nh3, which (unlike a regex)
    copes with whatever the file holds.
    """
    if not value:
        return ""
    if "<" in value:
        value = nh3.clean(value, tags=set())
    return _SPACES.sub(" ", html.unescape(value)).strip()


def wordpress_comment_to_text(content: str) -> str:
    """Comment HTML as WordPress stored it → the plain text Newsroom keeps for comments."""
    text = nh3.clean(content.replace("\r\n", "\n"), tags=set()) if "<" in content else content
    return html.unescape(text).strip()


# Bodies ------------------------------------------------------------------------------------
#
# Every pattern below avoids unbounded backtracking: tags are matched with [^<>]* (a stray
# "<" ends the attempt instead of rescanning the rest of the body) and paired elements are
# found by splitting, because a body is untrusted and up to MAX_TEXT_CHARS long.

_WS = r"[ \t\n\r\f\v]"  # PHP's \s: WordPress never treats a non-breaking space as a break
_BLOCK_COMMENT = re.compile(r"<!--" + _WS + r"*/?wp:[^<>]*?-->")
_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|"
    r"form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    r"aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:[ \t\n\r/][^\[\]]*)?)\]")
_CAPTION_SHORTCODES = {"caption", "wp_caption"}
# Core WordPress media shortcodes: what they show cannot be rebuilt from the export.
_MEDIA_SHORTCODES = {"gallery", "playlist", "video", "audio"}
_URL = re.compile(r"https?://[^\s<>\"'\[\]]+")
_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_EMPTY_LINK = re.compile(r"<a\b[^<>]*>" + _WS + r"*</a>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:" + _WS + r"|&nbsp;|\xa0|<br>)*</p>")
# html5ever (inside nh3) slows down quadratically on deeply nested elements: 20,000 nested
# <div>s take seconds, 100,000 minutes. No WordPress body nests even a hundred deep.
MAX_BODY_DEPTH = 200
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*>")
# Elements that never nest in practice (a new one closes the last) or cannot hold content.
_FLAT_ELEMENTS = {
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "option",
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "source",
    "track",
    "wbr",
    "col",
    "area",
    "base",
    "embed",
    "param",
}
_TRAILING_BREAK = re.compile(r"<br>" + _WS + r"*</p>")
_BLANK_LINES = re.compile(r"\n" + _WS + r"*\n")


def wordpress_body_to_html(content: str) -> str:
    """Turn a post's `content:encoded` into a Newsroom story body.

    Mirrors what WordPress does when it shows a post, then keeps only the editor's
    allow-list:

    - block-editor posts (`<!-- wp:… -->` comments) lose the comments and keep their HTML;
      WordPress does not auto-paragraph those, and neither do we;
    - classic posts get WordPress's auto-paragraphs (`wpautop`): blank lines make paragraphs,
      single newlines make line breaks;
    - images are not part of a story body in Newsroom, so `[caption]` shortcodes and
      `<figure>` blocks keep their caption as an italic paragraph (it often carries facts and
      a credit, and shows the editor where a picture stood) and lose the image;
    - `[embed]URL[/embed]` and embed blocks become a paragraph linking to the URL; galleries,
      video, audio and playlists are dropped; any other shortcode loses its brackets but keeps
      the text it wraps, since plugin shortcodes (boxes, pull quotes) wrap words readers saw.
      A lone `[word]` without attributes stays as typed: newsrooms write "[sic]" and
      "[the minister]" inside quotes, and WordPress itself shows unknown shortcodes as text;
    - h1 becomes h2, h5 and h6 become h4, the levels the editor offers.

    Raises WxrError for a body nested deeper than `MAX_BODY_DEPTH`, which would stall the
    HTML cleaner; the importer lists that post as failed and goes on.
    """
    if not content or not content.strip():
        return ""
    is_block_post = "<!-- wp:" in content
    if is_block_post:
        content = _BLOCK_COMMENT.sub("", content)
    content = _replace_shortcodes(content)
    content = _replace_figures(content)
    if not is_block_post:
        content = wpautop(content)
    content = re.sub(r"<(/?)h1\b", r"<\1h2", content, flags=re.IGNORECASE)
    content = re.sub(r"<(/?)h[56]\b", r"<\1h4", content, flags=re.IGNORECASE)
    # Wrapper divs (block groups, columns, pasted layouts) would leave their text outside any
    # paragraph once cleaned; as paragraphs, html5ever's nesting rules flatten them.
    content = re.sub(r"<div\b[^<>]*>", "<p>", content, flags=re.IGNORECASE)
    content = re.sub(r"</div" + _WS + r"*>", "</p>", content, flags=re.IGNORECASE)
    _check_depth(content)
    cleaned = clean_body(content)
    # What the dropped parts leave behind: links around removed images, paragraphs that held
    # only a script, a break before a removed element, and the blank lines between blocks.
    cleaned = _EMPTY_LINK.sub("", cleaned)
    cleaned = _TRAILING_BREAK.sub("</p>", cleaned)
    cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return _BLANK_LINES.sub("\n", cleaned).strip()


def _check_depth(content: str) -> None:
    if content.count("<") <= MAX_BODY_DEPTH:
        return
    depth = 0
    for tag in _TAG.finditer(content):
        name = tag.group(2).lower()
        if name in _FLAT_ELEMENTS or tag.group(0).endswith("/>"):
            continue
        if tag.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_BODY_DEPTH:
                raise WxrError(
                    f"The body nests HTML elements more than {MAX_BODY_DEPTH} deep, which "
                    "WordPress never writes; import this post by hand."
                )


def _replace_shortcodes(content: str) -> str:
    if "[" not in content:
        return content
    tokens = list(_SHORTCODE.finditer(content))
    closing: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        if token.group(1):
            closing.setdefault(token.group(2).lower(), []).append(index)

    def closing_after(index: int, name: str) -> int | None:
        candidates = closing.get(name, [])
        position = bisect.bisect_right(candidates, index)
        return candidates[position] if position < len(candidates) else None

    out: list[str] = []
    position = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        start, end = token.span()
        is_closing, name, attributes = token.group(1), token.group(2).lower(), token.group(3)
        out.append(content[position:start])
        position = end
        index += 1
        if content[start - 1 : start] == "[" and content[end : end + 1] == "]":
            # [[gallery]] is WordPress's way of writing a shortcode as text.
            out[-1] = out[-1][:-1]
            out.append(token.group(0))
            position = end + 1
            continue
        if is_closing:
            continue
        close = closing_after(index - 1, name)
        inner = content[end : tokens[close].start()] if close is not None else ""
        if name in _CAPTION_SHORTCODES or name == "embed" or name in _MEDIA_SHORTCODES:
            if close is not None:
                position = tokens[close].end()
                index = close + 1
            if name in _CAPTION_SHORTCODES:
                out.append(_caption_paragraph(inner, attributes))
            elif name == "embed":
                out.append(_link_paragraph(inner or attributes))
            continue
        if close is not None or "=" in attributes or attributes.rstrip().endswith("/"):
            continue  # an unknown shortcode: drop the tag, keep what it wraps
        out.append(token.group(0))
    out.append(content[position:])
    return "".join(out)


def _caption_paragraph(inner: str, attributes: str) -> str:
    text = _EMPTY_LINK.sub("", _IMG.sub("", inner)).strip()
    if not text:
        # Before WordPress 3.4 the caption was an attribute: [caption caption="…"].
        match = re.search(r'caption="([^"]*)"', attributes)
        text = html.escape(html.unescape(match.group(1))) if match else ""
    return f"\n\n<p><em>{text}</em></p>\n\n" if text else "\n\n"


def _link_paragraph(text: str) -> str:
    match = _URL.search(html.unescape(text))
    if not match:
        return "\n\n"
    url = html.escape(match.group(0))
    return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'


def _replace_figures(content: str) -> str:
    if "<figure" not in content.lower():
        return content
    parts = re.split(r"</figure" + _WS + r"*>", content, flags=re.IGNORECASE)
    out = []
    for part in parts[:-1]:
        start = part.lower().rfind("<figure")
        if start == -1:
            out.append(part)
            continue
        out.append(part[:start])
        out.append(_figure_markup(part[start:]))
    out.append(parts[-1])
    return "".join(out)


def _figure_markup(figure: str) -> str:
    """`figure` runs from "<figure" to just before "</figure>"."""
    opening_end = figure.find(">")
    opening, inner = figure[: opening_end + 1], figure[opening_end + 1 :]
    caption = ""
    caption_start = inner.lower().find("<figcaption")
    if caption_start != -1:
        caption_text = inner[caption_start:]
        caption_text = re.sub(r"</?figcaption\b[^<>]*>", "", caption_text, flags=re.IGNORECASE)
        caption = _caption_paragraph(caption_text, "")
        inner = inner[:caption_start]
    if "wp-block-embed" in opening:
        return _link_paragraph(nh3.clean(inner, tags=set())) + caption
    return "\n\n" + _IMG.sub("", inner) + caption


def wpautop(text: str) -> str:
    """A port of WordPress's `wpautop` (wp-includes/formatting.php), enough for stories.

    Left out: the <option>, <object>, <audio>/<video> and <script>/<style> special cases,
    because the allow-list drops all of those elements afterwards anyway.
    """
    if not text.strip():
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        # Preformatted text keeps its newlines; WordPress sets it aside the same way.
        parts = text.split("</pre>")
        pieces = []
        for number, part in enumerate(parts[:-1]):
            start = part.find("<pre")
            if start == -1:
                pieces.append(part)
                continue
            placeholder = f"<pre wp-pre-tag-{number}></pre>"
            pre_tags[placeholder] = part[start:] + "</pre>"
            pieces.append(part[:start] + placeholder)
        text = "".join([*pieces, parts[-1]])
    ws = _WS
    blocks = _ALLBLOCKS
    text = re.sub(rf"<br{ws}*/?>{ws}*<br{ws}*/?>", "\n\n", text)
    text = re.sub(rf"(<{blocks}[ \t\n\r\f\v/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{blocks}>)", r"\1\n\n", text)
    text = re.sub(rf"(<hr{ws}*/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_newlines_in_tags(text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(rf"\n{ws}*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(rf"<p>{ws}*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>{ws}*(</?{blocks}[^<>]*>){ws}*</p>", r"\1", text)
    text = re.sub(r"<p>(<li[^\n]+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^<>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>{ws}*(</?{blocks}[^<>]*>)", r"\1", text)
    text = re.sub(rf"(</?{blocks}[^<>]*>){ws}*</p>", r"\1", text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(rf"{ws}+", _newline_to_break, text)
    text = re.sub(rf"(</?{blocks}[^<>]*>){ws}*<br />", r"\1", text)
    text = re.sub(rf"<br />({ws}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for placeholder, original in pre_tags.items():
        text = text.replace(placeholder, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


def _newline_to_break(match: re.Match[str]) -> str:
    """WordPress's `(?<!<br />)\\s*\\n` → "<br />\\n", without its quadratic backtracking."""
    run = match.group(0)
    last = run.rfind("\n")
    if last == -1:
        return run
    if match.string[max(0, match.start() - 6) : match.start()] != "<br />":
        return "<br />\n" + run[last + 1 :]
    # Right after a <br /> the first character is left alone, as the look-behind does.
    return run if last == 0 else run[0] + "<br />\n" + run[last + 1 :]


def _replace_newlines_in_tags(text: str) -> str:
    """Newlines inside a tag or comment are not line breaks (`wp_replace_in_html_tags`)."""
    out: list[str] = []
    position = 0
    find: Callable[[str, int], int] = text.find
    while (start := find("<", position)) != -1:
        closer = "-->" if text.startswith("<!--", start) else ">"
        end = find(closer, start + 1)
        if end == -1:
            break  # an unclosed tag runs to the end; the cleaner drops it
        end += len(closer)
        out.append(text[position:start])
        out.append(text[start:end].replace("\n", " <!-- wpnl --> "))
        position = end
    out.append(text[position:])
    return "".join(out)
