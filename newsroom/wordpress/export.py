"""What a WordPress export holds, as plain data: frozen dataclasses that touch no database.

`newsroom/wordpress/wxr.py` reads a file into these; the importer writes them to the database.
The importer and its `--dry-run` share one reading of the file, and every mapping is testable
without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit


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
    # WordPress comment HTML as exported; `markup.wordpress_comment_to_text` makes it text.
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
    # WordPress content as exported; `markup.wordpress_body_to_html` makes the story body.
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
