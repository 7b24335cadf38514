"""Writing a WordPress export into Newsroom: `import_wordpress(export, …)` (issue 8).

`articles/wordpress.py` reads the file into plain data; this module writes that data to the
database and says what it did in an `ImportReport`. The management command
`import_wordpress` is a thin wrapper that adds the progress bar and prints the report.

How it behaves, and why:

- **Idempotent.** Every imported row carries its WordPress key: `Article.wordpress_id` (and
  the GUID), `Comment.wordpress_id` (unique within its story), `Author.wordpress_login`;
  sections are found by slug and tags by name. A story also keeps a digest of everything
  read for it (`Article.wordpress_digest`), so a post that has not changed in WordPress is
  not written at all: no new version, no history row, no touched `updated_at`. A post that
  did change is updated from the export, which wins for the fields it carries.
- **Atomic per post.** Each post, with its byline, tags, image, redirect, sources and
  comments, is one transaction. A post that fails is rolled back alone, listed with the
  reason, and the import goes on. Authors and sections are written first, in one
  transaction, because every post needs them.
- **The sourcing check does not stop an import.** A story published in WordPress stays
  published, a scheduled one stays scheduled (`Article.take_imported_state`, which notes in
  the story's history that it was imported). The report lists how many figures the figure
  finder sees in each story, so editors know what to source afterwards.
- **Decisions made in Newsroom win over the export.** A comment a Newsroom moderator has
  decided on keeps that decision when a later export still shows WordPress's old state;
  sections that already exist are used as they are.
- **Nothing from the internet.** Featured images are read only from the `uploads` folder
  given, matched by the attachment's path inside it; a missing or unusable file is reported
  and the story goes in without it.
- **Readers' addresses are hashed** with the same keyed hash as comments posted here
  (`comments.privacy.hash_ip`); the raw address is never written.
- **Batched.** Comments are written with one `bulk_create` per reply level of a story, their
  moderation-log lines with one more; the existing stories' keys are read once up front.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify

from articles import images
from articles.figures import find_figures_in_html
from articles.models import Article, ArticleAuthor, ArticleRedirect, Author, Section
from articles.sources import sync_sources
from articles.wordpress import (
    CommentState,
    PostState,
    WxrAttachment,
    WxrAuthor,
    WxrComment,
    WxrError,
    WxrExport,
    WxrPost,
    WxrTerm,
    wordpress_body_to_html,
    wordpress_comment_to_text,
)
from comments.models import Comment, ModerationEvent, ModerationLimits
from comments.privacy import hash_ip
from comments.threads import bump_comment_version_after_commit

logger = logging.getLogger(__name__)

# Part of every story's digest: change it when a mapping changes, and the next import rewrites
# every story instead of calling the old conversion "unchanged".
IMPORTER_VERSION = "1"
# The name the moderation log shows for decisions carried over from WordPress.
ACTOR_NAME = "wordpress_import"
UNCATEGORIZED = "uncategorized"

_COMMENT_STATUS = {
    CommentState.APPROVED: (Comment.Status.APPROVED, ModerationEvent.Action.APPROVED),
    CommentState.PENDING: (Comment.Status.PENDING, ModerationEvent.Action.HELD),
    CommentState.SPAM: (Comment.Status.SPAM, ModerationEvent.Action.SPAM),
}
_COMMENT_STATE_WORDS = {
    CommentState.APPROVED: "approved",
    CommentState.PENDING: "waiting for moderation",
    CommentState.SPAM: "marked as spam",
}
_ARTICLE_STATUS = {
    PostState.PUBLISHED: Article.Status.PUBLISHED,
    PostState.SCHEDULED: Article.Status.PUBLISHED,
    PostState.DRAFT: Article.Status.DRAFT,
    PostState.REVIEW: Article.Status.REVIEW,
}


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One thing the editor should know about, e.g. ('post 101 "Ferry fares"', 'why')."""

    what: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    dry_run: bool = False
    site_title: str = ""
    # kind ("stories", "comments", …) → outcome → count
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[ReportLine] = field(default_factory=list)
    missing_images: list[ReportLine] = field(default_factory=list)
    failed: list[ReportLine] = field(default_factory=list)
    notes: list[ReportLine] = field(default_factory=list)
    # (story label, figures the finder sees) for every story written in this run
    figures: list[tuple[str, int]] = field(default_factory=list)

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        if number:
            self.counts[kind][outcome] += number

    @property
    def changed_anything(self) -> bool:
        return any(
            counter[Outcome.CREATED] or counter[Outcome.UPDATED] for counter in self.counts.values()
        )


def import_wordpress(
    export: WxrExport,
    *,
    uploads: Path | None = None,
    default_section: Section | None = None,
    create_users: bool = False,
    dry_run: bool = False,
    progress: Callable[[list[WxrPost]], Iterable[WxrPost]] = iter,
) -> ImportReport:
    """Write `export` to the database and report what was created, updated and left alone.

    With `dry_run` everything runs inside one transaction that is rolled back at the end and
    no file is written to media storage, so the report says exactly what a real run would do.
    `progress` wraps the list of posts (the command passes a tqdm bar).
    """
    importer = _Importer(
        export,
        uploads=uploads,
        default_section=default_section,
        create_users=create_users,
        dry_run=dry_run,
    )
    if dry_run:
        with transaction.atomic():
            importer.run(progress)
            transaction.set_rollback(True)
    else:
        importer.run(progress)
    return importer.report


def post_label(post: WxrPost) -> str:
    title = Truncator(post.title or "(untitled)").chars(60)
    return f'post {post.wordpress_id} "{title}"'


@dataclass(frozen=True, slots=True)
class _Image:
    """A featured image found in the uploads folder, read but not yet cleaned."""

    attachment: WxrAttachment
    data: bytes
    digest: str


class _Importer:
    def __init__(
        self,
        export: WxrExport,
        *,
        uploads: Path | None,
        default_section: Section | None,
        create_users: bool,
        dry_run: bool,
    ) -> None:
        self.export = export
        self.uploads = uploads.resolve() if uploads else None
        self.default_section = default_section
        self.create_users = create_users
        self.dry_run = dry_run
        self.report = ImportReport(dry_run=dry_run, site_title=export.site_title)
        self.authors: dict[str, Author] = {}
        self.sections: dict[str, Section] = {}
        self.max_depth = ModerationLimits.current().max_depth
        # Files written for the post being imported, removed again if it rolls back.
        self.new_files: list[str] = []

    # --- The run ----------------------------------------------------------------------------

    def run(self, progress: Callable[[list[WxrPost]], Iterable[WxrPost]]) -> None:
        for skipped in self.export.skipped:
            number = f" {skipped.wordpress_id}" if skipped.wordpress_id is not None else ""
            what = f'{skipped.kind}{number} "{Truncator(skipped.label).chars(60)}"'
            self.report.skipped.append(ReportLine(what, skipped.reason))
        with transaction.atomic():
            self._import_authors()
            self._import_sections()
        posts = self.export.posts
        # Every imported story's key, read once (an `__in` list of a big export's ids would
        # run past SQLite's limit on query parameters).
        known = dict(
            Article.objects.filter(wordpress_id__isnull=False).values_list(
                "wordpress_id", "wordpress_digest"
            )
        )
        for post in progress(posts):
            self._import_post_alone(post, known.get(post.wordpress_id))

    def _import_post_alone(self, post: WxrPost, known_digest: str | None) -> None:
        self.new_files = []
        try:
            with transaction.atomic():
                self._import_post(post, known_digest)
        except WxrError as error:
            self._fail(post, str(error))
        except ValidationError as error:
            self._fail(post, " ".join(error.messages))
        except Exception as error:
            # Whatever else a hand-edited export provokes stops this post only, as the issue
            # asks; the traceback goes to the log for whoever maintains the importer.
            logger.warning("WordPress post %s failed to import", post.wordpress_id, exc_info=True)
            self._fail(post, f"{type(error).__name__}: {error}")

    def _fail(self, post: WxrPost, reason: str) -> None:
        storage = Article._meta.get_field("lead_image").storage
        for name in self.new_files:
            with contextlib.suppress(FileNotFoundError):
                storage.delete(name)
        self.new_files = []
        self.report.failed.append(ReportLine(post_label(post), reason))

    # --- Authors and sections ---------------------------------------------------------------

    def _import_authors(self) -> None:
        wanted = {author.login: author for author in self.export.authors if author.login}
        for post in self.export.posts:
            if post.author_login and post.author_login not in wanted:
                # A post by a user the export does not list (an exporter limited by author).
                wanted[post.author_login] = WxrAuthor(
                    wordpress_id=None,
                    login=post.author_login,
                    email="",
                    display_name="",
                    first_name="",
                    last_name="",
                )
        existing = {
            author.wordpress_login: author
            for author in Author.objects.filter(wordpress_login__in=list(wanted))
        }
        for login, wxr_author in wanted.items():
            author = existing.get(login)
            outcome = Outcome.UNCHANGED
            if author is None:
                author, outcome = self._new_author(wxr_author)
            linked = self.create_users and author.user_id is None
            if linked and self._link_user(author, wxr_author) and outcome == Outcome.UNCHANGED:
                outcome = Outcome.UPDATED
            self.report.count("authors", outcome)
            self.authors[login] = author

    def _new_author(self, wxr_author: WxrAuthor) -> tuple[Author, str]:
        full_name = f"{wxr_author.first_name} {wxr_author.last_name}".strip()
        name = (wxr_author.display_name or full_name or wxr_author.login)[:120]
        slug = (slugify(name) or slugify(wxr_author.login) or "author")[:120]
        adopted = Author.objects.filter(slug=slug, wordpress_login="").first()
        if adopted is not None:
            # The newsroom already made this byline by hand: the import joins it.
            adopted.wordpress_login = wxr_author.login
            adopted.save(update_fields=["wordpress_login"])
            return adopted, Outcome.UPDATED
        author = Author.objects.create(
            name=name, slug=_free_slug(Author, slug, 120), wordpress_login=wxr_author.login
        )
        return author, Outcome.CREATED

    def _link_user(self, author: Author, wxr_author: WxrAuthor) -> bool:
        user_model = get_user_model()
        user = user_model._default_manager.filter(username=wxr_author.login[:150]).first()
        if user is not None and Author.objects.filter(user=user).exists():
            self.report.notes.append(
                ReportLine(
                    f'author "{author.name}"',
                    f"the account {user.get_username()} already has another byline; not linked",
                )
            )
            return False
        if user is None:
            # Staff, but in no group and without a password: an administrator gives them a
            # role and they set a password with "Forgotten your password?".
            user = user_model(
                username=wxr_author.login[:150],
                email=wxr_author.email,
                first_name=wxr_author.first_name[:150],
                last_name=wxr_author.last_name[:150],
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            self.report.count("users", Outcome.CREATED)
        author.user = user
        author.save(update_fields=["user"])
        return True

    def _section_term(self, post: WxrPost) -> tuple[WxrTerm | None, list[WxrTerm]]:
        """The category that becomes the section (None: the default one) and the rest."""
        real = [category for category in post.categories if category.slug != UNCATEGORIZED]
        if real:
            return real[0], real[1:]
        if self.default_section is not None:
            return None, []
        return WxrTerm(slug=UNCATEGORIZED, name="Uncategorized"), []

    def _import_sections(self) -> None:
        wanted: dict[str, WxrTerm] = {}
        for post in self.export.posts:
            term, _ = self._section_term(post)
            if term is not None:
                wanted.setdefault(term.slug[:80], term)
        existing = {s.slug: s for s in Section.objects.filter(slug__in=list(wanted))}
        for slug, term in wanted.items():
            section = existing.get(slug)
            if section is None:
                name = (term.name or slug)[:80]
                section = Section.objects.filter(name__iexact=name).first()
            if section is None:
                section = Section.objects.create(slug=slug, name=name)
                self.report.count("sections", Outcome.CREATED)
            else:
                self.report.count("sections", Outcome.UNCHANGED)
            self.sections[slug] = section

    def _section_for(self, post: WxrPost) -> Section:
        term, _ = self._section_term(post)
        if term is None:
            assert self.default_section is not None
            return self.default_section
        return self.sections[term.slug[:80]]

    # --- A post -----------------------------------------------------------------------------

    def _import_post(self, post: WxrPost, known_digest: str | None) -> None:
        label = post_label(post)
        section = self._section_for(post)
        image = self._find_image(post)
        digest = self._digest(post, section, image)
        if known_digest is not None and known_digest == digest:
            self.report.count("stories", Outcome.UNCHANGED)
            self.report.count("comments", Outcome.UNCHANGED, len(post.comments))
            return
        for note in post.notes:
            self.report.notes.append(ReportLine(label, note))
        body = wordpress_body_to_html(post.content)
        created = known_digest is None
        if created:
            article = Article(wordpress_id=post.wordpress_id)
        else:
            article = Article.objects.get(wordpress_id=post.wordpress_id)
        headline = post.title or f"Untitled WordPress post {post.wordpress_id}"
        if len(headline) > 200:
            self.report.notes.append(ReportLine(label, "the title was cut to 200 characters"))
        article.headline = Truncator(headline).chars(200)
        article.slug = post.slug[:200]
        max_standfirst = Article._meta.get_field("standfirst").max_length
        if len(post.excerpt) > max_standfirst:
            self.report.notes.append(
                ReportLine(
                    label, f"the excerpt was cut to {max_standfirst} characters for the standfirst"
                )
            )
        article.standfirst = Truncator(post.excerpt).chars(max_standfirst)
        article.body = body
        article.section = section
        article.wordpress_guid = post.guid[:300]
        article.wordpress_digest = digest
        article.comment_mode = (
            Article.CommentMode.OPEN if post.comments_open else Article.CommentMode.CLOSED
        )
        if created:
            article.created_at = post.published_at or timezone.now()
        self._take_state(article, post, created)
        old_renditions = self._attach_image(article, post, image)
        # clean() derives the publication month, so a slug already used that month is a
        # readable reason in the report rather than an IntegrityError.
        article.clean()
        article.validate_constraints()
        article.save()
        if article.lead_image and not self.dry_run and old_renditions is not None:
            self._make_renditions(article, old_renditions)
        self.report.count("stories", Outcome.CREATED if created else Outcome.UPDATED)
        self._set_byline(article, post, created)
        self._set_tags(article, post, created)
        self._keep_old_address(article, post)
        sync = sync_sources(article)
        self.report.count("sources", Outcome.CREATED, len(sync.created))
        self._import_comments(article, post, created)
        _, figures = find_figures_in_html(article.body)
        self.report.figures.append((label, len(figures)))

    def _digest(self, post: WxrPost, section: Section, image: _Image | None) -> str:
        parts = [
            IMPORTER_VERSION,
            repr(post),
            section.slug,
            repr(image.attachment) if image else "",
            image.digest if image else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _take_state(self, article: Article, post: WxrPost, created: bool) -> None:
        status = _ARTICLE_STATUS[post.state]
        published_at = post.published_at if status == Article.Status.PUBLISHED else None
        verb = "Imported from WordPress" if created else "Updated from WordPress"
        where = {
            PostState.PUBLISHED: "published there",
            PostState.SCHEDULED: "scheduled there",
            PostState.DRAFT: "a draft there",
            PostState.REVIEW: "pending review there",
        }[post.state]
        article.take_imported_state(
            status=status,
            published_at=published_at,
            reason=f"{verb} (post {post.wordpress_id}, {where})",
        )

    def _set_byline(self, article: Article, post: WxrPost, created: bool) -> None:
        author = self.authors.get(post.author_login)
        if created:
            if author is not None:
                ArticleAuthor.objects.create(article=article, author=author, position=0)
            return
        # Bylines added in Newsroom stay; one from an earlier export that WordPress no longer
        # credits goes.
        ArticleAuthor.objects.filter(article=article).exclude(author__wordpress_login="").exclude(
            author=author
        ).delete()
        if author is not None:
            ArticleAuthor.objects.get_or_create(
                article=article, author=author, defaults={"position": 0}
            )

    def _set_tags(self, article: Article, post: WxrPost, created: bool) -> None:
        _, other_categories = self._section_term(post)
        names: dict[str, str] = {}
        for term in [*other_categories, *post.tags]:
            name = (term.name or term.slug)[:100]
            if name:
                names.setdefault(name.lower(), name)
        if created:
            if names:
                article.tags.add(*names.values())
        else:
            article.tags.set(list(names.values()))

    def _keep_old_address(self, article: Article, post: WxrPost) -> None:
        label = post_label(post)
        parts = urlsplit(post.link)
        path = unquote(parts.path)
        if not path or path == "/":
            if post.link:
                self.report.skipped.append(
                    ReportLine(
                        f"redirect for {label}",
                        f"{post.link} is not a permalink (WordPress's ?p= style address); "
                        "WordPress answers it, Newsroom does not need to",
                    )
                )
            return
        if article.is_public_address() and path == article.public_path():
            return  # the story keeps its old address as is
        if len(path) > 300:
            self.report.skipped.append(
                ReportLine(f"redirect for {label}", "the old address is over 300 characters")
            )
            return
        redirect = ArticleRedirect.objects.filter(old_path=path).first()
        if redirect is None:
            ArticleRedirect.objects.create(old_path=path, article=article)
            self.report.count("redirects", Outcome.CREATED)
        elif redirect.article_id == article.pk:
            self.report.count("redirects", Outcome.UNCHANGED)
        else:
            self.report.skipped.append(
                ReportLine(
                    f"redirect for {label}",
                    f"{path} already leads to another story ({redirect.article_id})",
                )
            )

    # --- The featured image -----------------------------------------------------------------

    def _find_image(self, post: WxrPost) -> _Image | None:
        """The featured image's bytes from the uploads folder; None (reported) if not there."""
        if post.thumbnail_id is None:
            return None
        label = post_label(post)
        attachment = self.export.featured_image(post)
        if attachment is None:
            self._missing(label, f"attachment {post.thumbnail_id} is not in the export")
            return None
        if not attachment.attached_file:
            self._missing(label, f"the export gives no safe path for {attachment.url or 'it'}")
            return None
        if self.uploads is None:
            self._missing(label, f"{attachment.attached_file}: no --uploads folder was given")
            return None
        path = (self.uploads / attachment.attached_file).resolve()
        if not path.is_relative_to(self.uploads):
            # A symbolic link inside the uploads folder pointing elsewhere.
            self._missing(label, f"{attachment.attached_file} leads outside the uploads folder")
            return None
        try:
            with path.open("rb") as file:
                data = file.read(images.MAX_BYTES + 1)
        except FileNotFoundError:
            self._missing(label, f"{attachment.attached_file} is not in the uploads folder")
            return None
        except OSError as error:
            self._missing(label, f"{attachment.attached_file} cannot be read ({error.strerror})")
            return None
        return _Image(attachment=attachment, data=data, digest=hashlib.sha256(data).hexdigest())

    def _missing(self, label: str, reason: str) -> None:
        self.report.missing_images.append(ReportLine(label, reason))

    def _attach_image(
        self, article: Article, post: WxrPost, image: _Image | None
    ) -> list[dict] | None:
        """Set the lead image, caption and alt text; the old renditions when it is new."""
        if image is None:
            return None
        attachment = image.attachment
        article.lead_image_caption = Truncator(attachment.caption).chars(300)
        alt = attachment.alt_text or attachment.caption or attachment.title
        if not attachment.alt_text:
            self.report.notes.append(
                ReportLine(
                    post_label(post),
                    "the featured image has no alt text in WordPress; its caption or title "
                    "was used, check it",
                )
            )
        article.lead_image_alt = Truncator(alt or article.headline).chars(300)
        # Named by the original's digest so that a later import recognises the same picture.
        stem = f"wp-{image.digest[:20]}"
        if article.lead_image and PurePosixPath(article.lead_image.name).stem.startswith(stem):
            return None
        try:
            cleaned = images.clean_upload(
                ContentFile(image.data, name=PurePosixPath(attachment.attached_file).name)
            )
        except ValidationError as error:
            self._missing(
                post_label(post), f"{attachment.attached_file}: {' '.join(error.messages)}"
            )
            return None
        self.report.count("images", Outcome.CREATED)
        if self.dry_run:
            return None  # checked, but a dry run writes no files
        old_renditions = list(article.lead_image_renditions)
        old_name = article.lead_image.name if article.lead_image else ""
        extension = PurePosixPath(cleaned.name).suffix
        article.lead_image = ContentFile(cleaned.read(), name=f"{stem}{extension}")
        if old_name:
            storage = article.lead_image.storage
            transaction.on_commit(lambda: _delete_files(storage, [old_name]))
        return old_renditions

    def _make_renditions(self, article: Article, old_renditions: list[dict]) -> None:
        storage = article.lead_image.storage
        self.new_files.append(article.lead_image.name)
        renditions = images.make_renditions(article.lead_image.name, storage)
        self.new_files.extend(r[key] for r in renditions for key in ("webp", "jpeg"))
        article.lead_image_renditions = renditions
        Article.objects.filter(pk=article.pk).update(lead_image_renditions=renditions)
        if old_renditions:
            transaction.on_commit(lambda: images.delete_renditions(old_renditions, storage))

    # --- Comments ---------------------------------------------------------------------------

    def _import_comments(self, article: Article, post: WxrPost, created: bool) -> None:
        known: dict[int, Comment] = (
            {}
            if created
            else {
                comment.wordpress_id: comment
                for comment in Comment.objects.filter(article=article, wordpress_id__isnull=False)
            }
        )
        by_pk = {comment.pk: comment for comment in known.values()}
        in_export = {wxr.wordpress_id for wxr in post.comments}
        changed: list[Comment] = []
        events: list[ModerationEvent] = []
        waiting: list[WxrComment] = []
        for wxr in post.comments:
            comment = known.get(wxr.wordpress_id)
            if comment is None:
                waiting.append(wxr)
            elif self._refresh_comment(comment, wxr, events):
                changed.append(comment)
            else:
                self.report.count("comments", Outcome.UNCHANGED)
        if changed:
            for comment in changed:
                comment.derive()  # bulk_update skips save()
            Comment.objects.bulk_update(
                changed, ["name", "email", "body", "body_html", "created_at", "status"]
            )
            self.report.count("comments", Outcome.UPDATED, len(changed))
        # Parents before replies: each pass writes the comments whose parent is already in.
        while waiting:
            ready: list[tuple[WxrComment, Comment | None]] = []
            later: list[WxrComment] = []
            for wxr in waiting:
                if wxr.parent_id is None or wxr.parent_id not in in_export:
                    ready.append((wxr, None))
                elif wxr.parent_id in known:
                    ready.append((wxr, known[wxr.parent_id]))
                else:
                    later.append(wxr)
            if not ready:
                # Replies that only answer each other (a hand-edited file): start threads.
                ready, later = [(wxr, None) for wxr in later], []
            new = [self._new_comment(article, wxr, parent, by_pk) for wxr, parent in ready]
            Comment.objects.bulk_create(new)
            for (wxr, _), comment in zip(ready, new, strict=True):
                known[wxr.wordpress_id] = comment
                by_pk[comment.pk] = comment
                events.append(self._event(comment, wxr.state))
            self.report.count("comments", Outcome.CREATED, len(new))
            waiting = later
        ModerationEvent.objects.bulk_create(events)
        if events or changed:
            # Bulk writes send no signals, so the story's cached comment thread is made stale
            # here rather than by newsroom/invalidation.py.
            bump_comment_version_after_commit(article.pk)

    def _new_comment(
        self, article: Article, wxr: WxrComment, parent: Comment | None, by_pk: dict[int, Comment]
    ) -> Comment:
        # Deeper than the site allows: the reply joins the conversation at the deepest level,
        # as `deepest_allowed_parent` does for readers' replies.
        while parent is not None and parent.depth + 1 >= self.max_depth:
            parent = by_pk.get(parent.parent_id) if parent.parent_id else None
        status, _ = _COMMENT_STATUS[wxr.state]
        seed = f"{self.export.site_url}|{article.wordpress_id}|{wxr.wordpress_id}"
        comment = Comment(
            article=article,
            parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            name=(wxr.author_name or "Anonymous")[:80],
            email=wxr.author_email[:254],
            body=wordpress_comment_to_text(wxr.content),
            status=status,
            ip_hash=hash_ip(wxr.ip_address),
            # Unique like a form's nonce, and the same on every import of this comment.
            nonce="wp-" + hashlib.sha256(seed.encode()).hexdigest()[:61],
            created_at=wxr.created_at,
            wordpress_id=wxr.wordpress_id,
        )
        comment.derive()  # bulk_create skips save()
        return comment

    def _refresh_comment(
        self, comment: Comment, wxr: WxrComment, events: list[ModerationEvent]
    ) -> bool:
        """Bring an imported comment up to date with the export; True if anything changed.

        A comment removed here (by a moderator, or erased at the commenter's request) stays as
        it is, and so does an address hash the retention job has purged.
        """
        if comment.status == Comment.Status.REMOVED:
            return False
        wanted = {
            "name": (wxr.author_name or "Anonymous")[:80],
            "email": wxr.author_email[:254],
            "body": wordpress_comment_to_text(wxr.content),
            "created_at": wxr.created_at,
        }
        changed = False
        for name, value in wanted.items():
            if getattr(comment, name) != value:
                setattr(comment, name, value)
                changed = True
        status, _ = _COMMENT_STATUS[wxr.state]
        # Every decision verb sets moderated_at: a Newsroom moderator's decision wins.
        if comment.moderated_at is None and comment.status != status:
            comment.status = status
            events.append(self._event(comment, wxr.state))
            changed = True
        return changed

    def _event(self, comment: Comment, state: CommentState) -> ModerationEvent:
        _, action = _COMMENT_STATUS[state]
        return ModerationEvent(
            comment=comment,
            comment_ref=comment.pk,
            action=action,
            actor=None,
            actor_kind=ModerationEvent.ActorKind.RULE,
            actor_name=ACTOR_NAME,
            reason=f"Imported from WordPress, where it was {_COMMENT_STATE_WORDS[state]}",
        )


def _free_slug(model: type[Author], slug: str, max_length: int) -> str:
    candidate, number = slug, 1
    while model.objects.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = slug[: max_length - len(suffix)] + suffix
    return candidate


def _delete_files(storage, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(name)
