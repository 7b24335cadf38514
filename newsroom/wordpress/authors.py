"""Bylines for an import: one `Author` per WordPress login, and a staff account if asked.

Authors are written before any post, in the importer's first transaction, because every post
needs its byline. A byline the newsroom already made by hand (same slug, no WordPress login,
no staff account) is joined rather than duplicated. The import never hands a newsroom
account to a WordPress author: a byline credited to an account lets that account edit the
story, so a name or login that matches an existing account is reported, not linked.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from articles.models import Author
from newsroom.wordpress.export import WxrAuthor, WxrExport
from newsroom.wordpress.report import ImportReport, Outcome, ReportLine


def import_authors(
    export: WxrExport, *, create_users: bool, report: ImportReport
) -> dict[str, Author]:
    """The byline for every WordPress login in `export`, made or found: login → Author."""
    authors: dict[str, Author] = {}
    wanted = {author.login: author for author in export.authors if author.login}
    for post in export.posts:
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
            author, outcome = _new_author(wxr_author, report)
        linked = create_users and author.user_id is None
        if linked and _link_user(author, wxr_author, report) and outcome == Outcome.UNCHANGED:
            outcome = Outcome.UPDATED
        report.count("authors", outcome)
        authors[login] = author
    return authors


def _new_author(wxr_author: WxrAuthor, report: ImportReport) -> tuple[Author, str]:
    full_name = f"{wxr_author.first_name} {wxr_author.last_name}".strip()
    name = (wxr_author.display_name or full_name or wxr_author.login)[:120]
    slug = (slugify(name) or slugify(wxr_author.login) or "author")[:120]
    adopted = Author.objects.filter(slug=slug, wordpress_login="").first()
    if adopted is not None and adopted.user_id is not None:
        # Same name as a staff member's byline: maybe the same person, maybe not. Crediting
        # the import to it would let that account edit the imported stories.
        report.notes.append(
            ReportLine(
                f'author "{name}"',
                f"a byline of that name belongs to the account {adopted.user}; the import made "
                "a byline of its own (merge them in the admin if they are the same person)",
            )
        )
        adopted = None
    if adopted is not None:
        # The newsroom already made this byline by hand: the import joins it.
        adopted.wordpress_login = wxr_author.login
        adopted.save(update_fields=["wordpress_login"])
        return adopted, Outcome.UPDATED
    author = Author.objects.create(
        name=name, slug=_free_slug(Author, slug, 120), wordpress_login=wxr_author.login
    )
    return author, Outcome.CREATED


def _link_user(author: Author, wxr_author: WxrAuthor, report: ImportReport) -> bool:
    user_model = get_user_model()
    username = wxr_author.login[:150]
    if user_model._default_manager.filter(username__iexact=username).exists():
        # An existing account is somebody's: the WordPress author of the same login may be
        # someone else, and linking would let them inherit (or grant) edit rights.
        report.notes.append(
            ReportLine(
                f'author "{author.name}"',
                f"an account named {username} already exists; no account made or linked "
                "(link the byline to an account in the admin if it is the same person)",
            )
        )
        return False
    # Staff, but in no group and without a password: an administrator gives them a role and
    # they set a password through "Forgotten your password?" on the sign-in page.
    user = user_model(
        username=username,
        email=wxr_author.email,
        first_name=wxr_author.first_name[:150],
        last_name=wxr_author.last_name[:150],
        is_staff=True,
    )
    user.set_unusable_password()
    user.save()
    report.count("users", Outcome.CREATED)
    author.user = user
    author.save(update_fields=["user"])
    return True


def _free_slug(model: type[Author], slug: str, max_length: int) -> str:
    candidate, number = slug, 1
    while model.objects.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = slug[: max_length - len(suffix)] + suffix
    return candidate
