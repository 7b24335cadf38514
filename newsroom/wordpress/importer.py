"""Writing a WordPress export into Newsroom: `import_wordpress(export, …)`.

`wxr.py` reads the file into the plain data of `export.py`; this module writes that data to
the database, post by post, and says what it did in a `report.ImportReport`. It writes the
stories themselves (section, tags, state, byline, the old address as a redirect, sources) and
hands the rest to its neighbours: `authors.py` (bylines and staff accounts), `media.py`
(featured images) and `comments.py` (comments and their moderation-log lines). The
management command `import_wordpress` is a thin wrapper that adds the progress bar and prints
the report.

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
  (`articles.request_ip.hash_ip`); the raw address is never written.
- **Batched.** Comments are written with one `bulk_create` per reply level of a story, their
  moderation-log lines with one more; the existing stories' keys are read once up front.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from articles.figures import find_figures_in_html
from articles.models import Article, ArticleAuthor, ArticleRedirect, Author, Image, Section
from comments.models import ModerationLimits
from newsroom.wordpress.authors import import_authors
from newsroom.wordpress.comments import import_comments
from newsroom.wordpress.export import PostState, WxrError, WxrExport, WxrPost, WxrTerm
from newsroom.wordpress.markup import wordpress_body_to_html
from newsroom.wordpress.media import (
    FeaturedImage,
    attach_image,
    delete_files,
    find_image,
)
from newsroom.wordpress.report import ImportReport, Outcome, ReportLine, post_label

logger = logging.getLogger(__name__)

# Part of every story's digest: change it when a mapping changes, and the next import rewrites
# every story instead of calling the old conversion "unchanged".
IMPORTER_VERSION = "1"
UNCATEGORIZED = "uncategorized"

_ARTICLE_STATUS = {
    PostState.PUBLISHED: Article.Status.PUBLISHED,
    PostState.SCHEDULED: Article.Status.PUBLISHED,
    PostState.DRAFT: Article.Status.DRAFT,
    PostState.REVIEW: Article.Status.REVIEW,
}


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
            self.authors = import_authors(
                self.export, create_users=self.create_users, report=self.report
            )
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
            # Whatever else a hand-edited export provokes stops this post only (the rest of
            # the export still goes in); the traceback goes to the log for the maintainer.
            logger.warning("WordPress post %s failed to import", post.wordpress_id, exc_info=True)
            self._fail(post, f"{type(error).__name__}: {error}")

    def _fail(self, post: WxrPost, reason: str) -> None:
        delete_files(Image._meta.get_field("file").storage, self.new_files)
        self.new_files = []
        self.report.failed.append(ReportLine(post_label(post), reason))

    # --- Sections ---------------------------------------------------------------------------

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
        image = find_image(post, export=self.export, uploads=self.uploads, report=self.report)
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
        # The field's limit, not a copy of it; a TextField's max_length may be None (no limit).
        max_standfirst = Article._meta.get_field("standfirst").max_length
        if max_standfirst is not None and len(post.excerpt) > max_standfirst:
            self.report.notes.append(
                ReportLine(
                    label, f"the excerpt was cut to {max_standfirst} characters for the standfirst"
                )
            )
        article.standfirst = (
            Truncator(post.excerpt).chars(max_standfirst)
            if max_standfirst is not None
            else post.excerpt
        )
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
        attach_image(
            article,
            post,
            image,
            report=self.report,
            dry_run=self.dry_run,
            new_files=self.new_files,
        )
        # clean() derives the publication month, so a slug already used that month is a
        # readable reason in the report rather than an IntegrityError.
        article.clean()
        article.validate_constraints()
        article.save()
        self.report.count("stories", Outcome.CREATED if created else Outcome.UPDATED)
        self._set_byline(article, post, created)
        self._set_tags(article, post, created)
        self._keep_old_address(article, post)
        # Saving the story registered its links as sources (articles/derived.py).
        self.report.count("sources", Outcome.CREATED, len(article.source_sync.created))
        import_comments(
            article,
            post,
            created=created,
            site_url=self.export.site_url,
            max_depth=self.max_depth,
            report=self.report,
        )
        _, figures = find_figures_in_html(article.body)
        self.report.figures.append((label, len(figures)))

    def _digest(self, post: WxrPost, section: Section, image: FeaturedImage | None) -> str:
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
