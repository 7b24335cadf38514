"""`manage.py import_wordpress`: every mapping checked in the database, idempotency, per-post
rollback, dry runs and hostile files.

Most tests import `tests/data/wordpress/harbourside.xml`, the hand-written export of the
fictional Harbourside Gazette that the parser's tests read too; the others build small
exports here. Featured images come from an uploads folder made in `tmp_path` with Pillow.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from PIL import Image

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleRedirect,
    ArticleSource,
    Author,
    Section,
    Source,
)
from articles.request_ip import hash_ip
from comments.models import Comment, ModerationEvent
from tests.factories import AuthorFactory, SectionFactory, published_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HARBOURSIDE = Path(__file__).parent / "data" / "wordpress" / "harbourside.xml"
RAW_IPS = ["203.0.113.7", "198.51.100.20", "192.0.2.45", "192.0.2.66"]


def run(*args: object, **options: object) -> str:
    out = io.StringIO()
    call_command("import_wordpress", *[str(a) for a in args], stdout=out, **options)
    return out.getvalue()


def story(wordpress_id: int) -> Article:
    return Article.objects.get(wordpress_id=wordpress_id)


def jpeg_bytes(size: tuple[int, int] = (640, 427), color: str = "navy") -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Harbourside camera"  # Make: metadata that must not survive re-encoding
    Image.new("RGB", size, color).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """The site's wp-content/uploads folder, holding the ferry photo post 101 features."""
    folder = tmp_path / "uploads"
    (folder / "2023" / "04").mkdir(parents=True)
    (folder / "2023" / "04" / "ferry.jpg").write_bytes(jpeg_bytes())
    return folder


def table_counts() -> dict[str, int]:
    return {
        "articles": Article.objects.count(),
        "history": Article.history.count(),
        "authors": Author.objects.count(),
        "bylines": ArticleAuthor.objects.count(),
        "sections": Section.objects.count(),
        "comments": Comment.objects.count(),
        "events": ModerationEvent.objects.count(),
        "redirects": ArticleRedirect.objects.count(),
        "sources": Source.objects.count(),
        "source_links": ArticleSource.objects.count(),
        "users": get_user_model().objects.count(),
    }


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>The Quayside Courier</title><link>https://quayside.test</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[ines]]></wp:author_login>
<wp:author_display_name><![CDATA[Ines Varga]]></wp:author_display_name></wp:author>
"""


def post_xml(
    post_id: int,
    *,
    title: str = "A quayside story",
    slug: str = "",
    content: str = "The quay reopened on Monday.",
    excerpt: str = "",
    categories: str = '<category domain="category" nicename="news"><![CDATA[News]]></category>',
    link: str = "",
    status: str = "publish",
) -> str:
    slug = slug or f"story-{post_id}"
    link = link or f"https://quayside.test/news/{slug}/"
    return f"""<item><title><![CDATA[{title}]]></title><link>{link}</link>
<dc:creator><![CDATA[ines]]></dc:creator>
<guid isPermaLink="false">https://quayside.test/?p={post_id}</guid>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date>2024-03-0{post_id % 9 + 1} 09:00:00</wp:post_date>
<wp:post_date_gmt>2024-03-0{post_id % 9 + 1} 09:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>{categories}</item>
"""


def comment_xml(
    comment_id: int, *, parent: int = 0, ip: str = "", minute: int = 0, approved: str = "1"
) -> str:
    return f"""<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>
<wp:comment_author>Reader {comment_id}</wp:comment_author>
<wp:comment_author_IP>{ip}</wp:comment_author_IP>
<wp:comment_date_gmt>2024-03-02 10:{minute:02d}:00</wp:comment_date_gmt>
<wp:comment_content>Comment {comment_id}</wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def write_export(tmp_path: Path, *items: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


# --- People, sections and tags --------------------------------------------------------------


def test_authors_become_bylines_without_user_accounts():
    run(HARBOURSIDE)

    mara = Author.objects.get(wordpress_login="mara")
    tobias = Author.objects.get(wordpress_login="tobias")
    assert (mara.name, mara.slug, mara.user) == ("Mara Quill", "mara-quill", None)
    assert tobias.name == "Tobias Fenwright-Ó Dálaigh"
    assert tobias.slug == "tobias-fenwright-o-dalaigh"
    assert story(101).bylines == [mara]
    assert story(102).bylines == [tobias]
    assert get_user_model().objects.count() == 0


def test_create_users_makes_staff_accounts_with_no_role_and_no_password():
    output = run(HARBOURSIDE, create_users=True)

    mara = Author.objects.get(wordpress_login="mara").user
    assert mara.username == "mara"
    assert mara.email == "mara@harbourside-gazette.test"
    assert (mara.first_name, mara.last_name) == ("Mara", "Quill")
    assert mara.is_staff and not mara.is_superuser
    assert not mara.has_usable_password()
    assert not mara.groups.exists()
    assert "users: 2 created" in output


def test_an_existing_byline_with_the_same_name_is_used_not_duplicated():
    existing = AuthorFactory(name="Mara Quill", slug="mara-quill")

    run(HARBOURSIDE)

    existing.refresh_from_db()
    assert existing.wordpress_login == "mara"
    assert Author.objects.filter(name="Mara Quill").count() == 1
    assert story(101).bylines == [existing]


def test_create_users_never_links_a_byline_to_an_existing_account():
    from tests.factories import UserFactory

    editor = UserFactory(username="Mara")  # the login of a WordPress author, another case

    output = run(HARBOURSIDE, create_users=True)

    mara = Author.objects.get(wordpress_login="mara")
    assert mara.user is None
    assert not Author.objects.filter(user=editor).exists()
    assert "an account named mara already exists; no account made or linked" in output
    assert get_user_model().objects.filter(username__iexact="mara").count() == 1


def test_a_staff_members_byline_of_the_same_name_is_not_taken_over():
    from tests.factories import UserFactory

    staff = UserFactory(username="mquill")
    hers = AuthorFactory(name="Mara Quill", slug="mara-quill", user=staff)

    output = run(HARBOURSIDE)

    hers.refresh_from_db()
    assert hers.wordpress_login == ""
    imported = Author.objects.get(wordpress_login="mara")
    assert imported != hers and imported.user is None
    assert story(101).bylines == [imported]
    assert "a byline of that name belongs to the account" in output


def test_the_first_category_is_the_section_and_the_others_become_tags():
    run(HARBOURSIDE)

    ferry = story(101)
    # Yoast's primary category (News) leads; Council & Politics becomes a tag.
    assert (ferry.section.slug, ferry.section.name) == ("news", "News")
    assert sorted(ferry.tags.names()) == ["Budget", "Council & Politics", "Ferries"]
    assert story(102).section.slug == "sport"
    assert not Section.objects.filter(slug="council").exists()


def test_posts_without_a_category_go_to_uncategorized_unless_a_default_section_is_given(
    tmp_path,
):
    uncategorized = '<category domain="category" nicename="uncategorized">Uncategorized</category>'
    path = write_export(
        tmp_path,
        post_xml(1, categories=uncategorized),
        post_xml(2, categories=""),
        post_xml(3),
    )

    run(path)
    assert story(1).section.slug == "uncategorized"
    assert story(2).section.slug == "uncategorized"

    Article.objects.all().delete()
    local = SectionFactory(slug="local", name="Local")
    output = run(path, default_section="local")
    assert story(1).section == local
    assert story(2).section == local
    assert story(3).section.slug == "news"
    assert "uncategorized" not in story(1).tags.names()
    assert "sections: 1 unchanged" in output


def test_an_unknown_default_section_is_refused_before_anything_is_written():
    with pytest.raises(CommandError, match="no section with the slug 'nowhere'"):
        run(HARBOURSIDE, default_section="nowhere")
    assert Article.objects.count() == 0


# --- Stories ----------------------------------------------------------------------------------


def test_wordpress_statuses_become_newsroom_states_including_scheduled():
    run(HARBOURSIDE)

    now = timezone.now()
    published = story(101)
    assert published.status == Article.Status.PUBLISHED
    assert published.published_at == dt.datetime(2023, 4, 3, 8, 15, tzinfo=dt.UTC)
    assert published.is_live(now)

    scheduled = story(102)
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at == dt.datetime(2031, 6, 14, 8, 0, tzinfo=dt.UTC)
    assert scheduled.is_scheduled(now)
    assert scheduled not in Article.objects.published(at=now)

    assert story(103).status == Article.Status.DRAFT
    assert story(103).published_at is None
    assert story(104).status == Article.Status.REVIEW
    assert story(105).status == Article.Status.DRAFT  # private
    assert story(107).status == Article.Status.DRAFT  # behind a password
    assert not Article.objects.filter(wordpress_id__in=[106, 110, 111, 112]).exists()


def test_the_import_is_recorded_in_each_storys_history_without_a_user():
    run(HARBOURSIDE)

    record = story(101).history.get()
    assert record.history_change_reason == "Imported from WordPress (post 101, published there)"
    assert record.history_user is None
    assert story(102).history.get().history_change_reason == (
        "Imported from WordPress (post 102, scheduled there)"
    )


def test_title_slug_standfirst_body_and_keys_are_carried_over():
    run(HARBOURSIDE)

    ferry = story(101)
    assert ferry.headline == "Ferry fares rise by 12% – council & operator disagree"
    assert ferry.slug == "ferry-fares-rise"
    assert ferry.standfirst == "Islanders face a 12% rise & fewer sailings."
    assert ferry.wordpress_guid == "https://harbourside-gazette.test/?p=101"
    assert ferry.comment_mode == Article.CommentMode.OPEN
    assert story(102).comment_mode == Article.CommentMode.CLOSED
    assert ferry.created_at == ferry.published_at
    # Auto-paragraphs, the caption kept as text, the embed as a link; no script, no gallery.
    assert ferry.body.startswith("<p>The Port Elm ferry will cost £4.20 from May")
    assert "<p><em>The MV Gull leaving Port Elm. Photo: Jo Brannigan</em></p>" in ferry.body
    assert '<a href="https://video.example.test/watch?v=harbour123"' in ferry.body
    assert "<h3>What happens next</h3>" in ferry.body
    assert "script" not in ferry.body and "gallery" not in ferry.body
    assert "[sic]" in ferry.body
    # The block-editor post: comments gone, h1 down to h2.
    assert "<!--" not in story(102).body
    assert "<h2>Route</h2>" in story(102).body
    assert story(108).slug == "cafe-otaki"
    assert story(108).headline.startswith("Café Ōtaki opens on the quay")
    assert "onclick" not in story(109).body and "alert" not in story(109).body
    assert story(109).body.startswith("<p>The sequence ]]&gt; ends a section.</p>")


def test_a_long_excerpt_is_cut_to_fit_the_standfirst_with_a_note(tmp_path):
    path = write_export(tmp_path, post_xml(1, excerpt="The harbour board voted. " * 40))

    output = run(path)

    standfirst = story(1).standfirst
    assert len(standfirst) <= 600
    assert standfirst.endswith("…")
    assert 'post 1 "A quayside story": the excerpt was cut to 600 characters' in output


# --- Featured images -----------------------------------------------------------------------


def test_the_featured_image_is_reencoded_with_its_caption_and_alt_text(uploads, settings):
    output = run(HARBOURSIDE, uploads=uploads)

    ferry = story(101)
    assert ferry.lead_image.file.name.startswith("library/")
    assert (ferry.lead_image.width, ferry.lead_image.height) == (640, 427)
    assert ferry.lead_image_caption == "The MV Gull leaving Port Elm & its quay at dawn."
    assert ferry.lead_image_alt == "The white ferry MV Gull pulling away from a stone quay"
    with ferry.lead_image.file.open("rb") as file, Image.open(file) as image:
        assert image.format == "JPEG"
        assert not image.getexif()  # the camera's metadata is gone
    assert [r["width"] for r in ferry.lead_image.renditions] == [480, 640]
    assert set(ferry.lead_image.crops) == {"16x9", "4x3", "1x1"}
    for rendition in ferry.lead_image.renditions:
        assert ferry.lead_image.storage.exists(rendition["webp"])
    assert "images: 1 created" in output
    assert "Missing" not in output


def test_a_missing_image_file_is_reported_and_the_story_goes_in_without_it(tmp_path):
    empty = tmp_path / "empty-uploads"
    empty.mkdir()

    output = run(HARBOURSIDE, uploads=empty)

    assert not story(101).lead_image
    assert "Missing or unusable featured images (1):" in output
    assert "2023/04/ferry.jpg is not in the uploads folder" in output


def test_without_an_uploads_folder_images_are_reported_missing():
    output = run(HARBOURSIDE)
    assert "2023/04/ferry.jpg: no --uploads folder was given" in output
    assert story(101).status == Article.Status.PUBLISHED


def test_a_damaged_image_is_reported_not_fatal(uploads):
    (uploads / "2023" / "04" / "ferry.jpg").write_bytes(b"not a picture at all")

    output = run(HARBOURSIDE, uploads=uploads)

    assert not story(101).lead_image
    assert "2023/04/ferry.jpg: This file is not an image we can use" in output


def test_an_image_linked_from_outside_the_uploads_folder_is_not_read(uploads, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg_bytes())
    target = uploads / "2023" / "04" / "ferry.jpg"
    target.unlink()
    target.symlink_to(secret)

    output = run(HARBOURSIDE, uploads=uploads)

    assert not story(101).lead_image
    assert "2023/04/ferry.jpg leads outside the uploads folder" in output


# --- Comments ------------------------------------------------------------------------------


def test_comments_keep_threads_states_names_and_dates_with_hashed_addresses():
    run(HARBOURSIDE)

    comments = {c.wordpress_id: c for c in story(101).comments.all()}
    # 13 was trashed, 16 is a pingback and 17 a trackback.
    assert set(comments) == {11, 12, 14, 15}
    priya, mara, ruth, spam = comments[11], comments[12], comments[14], comments[15]
    assert (priya.name, priya.email) == ("Priya N.", "priya@example.test")
    assert priya.body == "Fares went up last year too & the year before."
    assert priya.status == Comment.Status.APPROVED
    assert priya.created_at == dt.datetime(2023, 4, 3, 9, 0, tzinfo=dt.UTC)
    assert (priya.parent, priya.depth) == (None, 0)
    assert (mara.parent, mara.root, mara.depth) == (priya, priya, 1)
    # Ruth replied to the trashed comment 13, so she hangs from its parent, Mara's reply.
    assert (ruth.parent, ruth.root, ruth.depth) == (mara, priya, 2)
    assert ruth.status == Comment.Status.PENDING
    assert spam.status == Comment.Status.SPAM
    assert priya.ip_hash == hash_ip("203.0.113.7")
    assert len({c.ip_hash for c in comments.values()}) == 4


def test_no_raw_address_is_stored_anywhere_in_the_comments_tables():
    run(HARBOURSIDE)

    with connection.cursor() as cursor:
        for table in (Comment._meta.db_table, ModerationEvent._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            dump = repr(cursor.fetchall())
            for ip in RAW_IPS:
                assert ip not in dump


def test_imported_decisions_are_in_the_moderation_log():
    run(HARBOURSIDE)

    events = {e.comment.wordpress_id: e for e in ModerationEvent.objects.select_related("comment")}
    assert events[11].action == ModerationEvent.Action.APPROVED
    assert events[14].action == ModerationEvent.Action.HELD
    assert events[15].action == ModerationEvent.Action.SPAM
    assert events[11].actor_name == "wordpress_import"
    assert events[11].actor_kind == ModerationEvent.ActorKind.RULE
    assert events[11].reason == "Imported from WordPress, where it was approved"


def test_replies_deeper_than_the_site_allows_join_the_deepest_level(tmp_path):
    comments = "".join(
        comment_xml(n, parent=n - 1, ip=f"192.0.2.{n}", minute=n) for n in range(1, 7)
    )
    path = write_export(tmp_path, post_xml(1).replace("</item>", comments + "</item>"))

    run(path)

    depths = dict(story(1).comments.values_list("wordpress_id", "depth"))
    assert depths == {1: 0, 2: 1, 3: 2, 4: 2, 5: 2, 6: 2}
    sixth = story(1).comments.get(wordpress_id=6)
    assert sixth.parent.wordpress_id == 2
    assert sixth.root.wordpress_id == 1


# --- Old addresses, sources and figures --------------------------------------------------


def test_old_permalinks_answer_with_a_301_to_the_imported_story(client, tmp_path):
    path = write_export(
        tmp_path,
        post_xml(1, slug="quay-reopens", link="https://quayside.test/news/quay-reopens/"),
        post_xml(2, slug="tide", link="https://quayside.test/2024/03/02/tide/"),
        post_xml(3, slug="a-draft", link="https://quayside.test/news/a-draft/", status="draft"),
    )

    run(path)

    for wordpress_id, old in [(1, "/news/quay-reopens/"), (2, "/2024/03/02/tide/")]:
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == story(wordpress_id).get_absolute_url()
        assert client.get(response["Location"]).status_code == 200
    # Stored, but a draft's old address leads nowhere until it is published.
    assert ArticleRedirect.objects.filter(old_path="/news/a-draft/").exists()
    assert client.get("/news/a-draft/").status_code == 404
    assert client.get("/news/never-was/").status_code == 404


def test_percent_encoded_permalinks_redirect_and_unchanged_ones_need_no_redirect(client):
    output = run(HARBOURSIDE)

    response = client.get("/2023/09/caf%C3%A9-otaki/")
    assert response.status_code == 301
    assert response["Location"] == story(108).get_absolute_url() == "/2023/09/cafe-otaki/"
    # Same address in both systems: the story answers itself.
    assert story(101).get_absolute_url() == "/2023/04/ferry-fares-rise/"
    assert not ArticleRedirect.objects.filter(article=story(101)).exists()
    assert client.get("/2023/04/ferry-fares-rise/").status_code == 200
    assert "?p=103 is not a permalink" in output


def test_links_in_bodies_are_registered_as_sources():
    run(HARBOURSIDE)

    urls = set(story(101).sources.values_list("url", flat=True))
    assert urls == {"https://video.example.test/watch?v=harbour123"}
    link = ArticleSource.objects.get(article=story(101))
    assert link.origin == ArticleSource.Origin.BODY


def test_the_report_counts_figures_per_story_for_editors_to_source():
    output = run(HARBOURSIDE)

    assert "Figures to source (4 stories):" in output
    assert 'post 101 "Ferry fares rise by 12% – council & operator disagree": 2 figures' in output
    assert 'post 103 "Lighthouse keeper\'s cottage for sale": 1 figure\n' in output


# --- Running it again ------------------------------------------------------------------------


def test_a_second_run_changes_nothing(uploads, settings):
    run(HARBOURSIDE, uploads=uploads)
    before = table_counts()
    stamps = dict(Article.objects.values_list("wordpress_id", "updated_at"))
    versions = dict(Article.objects.values_list("wordpress_id", "version"))
    comments = list(Comment.objects.order_by("pk").values())
    files = media_files(settings)

    output = run(HARBOURSIDE, uploads=uploads)

    assert table_counts() == before
    assert dict(Article.objects.values_list("wordpress_id", "updated_at")) == stamps
    assert dict(Article.objects.values_list("wordpress_id", "version")) == versions
    assert list(Comment.objects.order_by("pk").values()) == comments
    assert media_files(settings) == files
    assert "stories: 8 unchanged" in output
    assert "comments: 4 unchanged" in output
    assert "Everything was unchanged since the last import." in output
    assert "created" not in output and "updated" not in output


def test_a_post_changed_in_wordpress_is_updated_and_new_comments_added(tmp_path):
    run(HARBOURSIDE)
    ferry = story(101)
    priya = ferry.comments.get(wordpress_id=11)
    text = HARBOURSIDE.read_text(encoding="utf-8")
    new_comment = """<wp:comment><wp:comment_id>18</wp:comment_id>
<wp:comment_author><![CDATA[Idris]]></wp:comment_author>
<wp:comment_author_IP>192.0.2.90</wp:comment_author_IP>
<wp:comment_date_gmt>2023-04-05 10:00:00</wp:comment_date_gmt>
<wp:comment_content>Late to this, but agreed.</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>12</wp:comment_parent>
</wp:comment>
		<wp:comment>
			<wp:comment_id>11</wp:comment_id>"""
    changed = text.replace("council &amp; operator disagree", "council and operator at odds")
    changed = changed.replace(
        "<wp:comment>\n\t\t\t<wp:comment_id>11</wp:comment_id>", new_comment, 1
    )
    # WordPress approved Ruth's held reply meanwhile.
    changed = changed.replace(
        "<wp:comment_content><![CDATA[Replying to the deleted comment.]]></wp:comment_content>\n"
        "\t\t\t<wp:comment_approved><![CDATA[0]]>",
        "<wp:comment_content><![CDATA[Replying to the deleted comment.]]></wp:comment_content>\n"
        "\t\t\t<wp:comment_approved><![CDATA[1]]>",
    )
    assert changed.count("<wp:comment_id>") == text.count("<wp:comment_id>") + 1
    path = tmp_path / "again.xml"
    path.write_text(changed, encoding="utf-8")

    output = run(path)

    updated = story(101)
    assert updated.pk == ferry.pk
    assert updated.headline == "Ferry fares rise by 12% – council and operator at odds"
    assert updated.version == ferry.version + 1
    assert updated.history.first().history_change_reason == (
        "Updated from WordPress (post 101, published there)"
    )
    idris = updated.comments.get(wordpress_id=18)
    assert idris.parent.wordpress_id == 12 and idris.depth == 2
    assert updated.comments.get(wordpress_id=11).pk == priya.pk
    assert updated.comments.get(wordpress_id=14).status == Comment.Status.APPROVED
    assert Article.objects.filter(wordpress_id=101).count() == 1
    assert "stories: 1 updated, 7 unchanged" in output
    assert "comments: 1 created, 1 updated, 3 unchanged" in output


def test_a_new_picture_in_uploads_replaces_the_lead_image_and_its_old_files(
    uploads, settings, django_capture_on_commit_callbacks
):
    run(HARBOURSIDE, uploads=uploads)
    old = story(101)
    old_files = [old.lead_image.file.name] + [r["jpeg"] for r in old.lead_image.renditions]
    (uploads / "2023" / "04" / "ferry.jpg").write_bytes(jpeg_bytes((800, 600), "teal"))

    with django_capture_on_commit_callbacks(execute=True):
        output = run(HARBOURSIDE, uploads=uploads)

    new = story(101)
    assert new.lead_image.file.name != old.lead_image.file.name
    assert (new.lead_image.width, new.lead_image.height) == (800, 600)
    assert new.lead_image.storage.exists(new.lead_image.file.name)
    assert not any(new.lead_image.storage.exists(name) for name in old_files)
    assert "stories: 1 updated, 7 unchanged" in output


def test_edits_made_in_newsroom_stay_while_the_post_is_unchanged_in_wordpress():
    run(HARBOURSIDE)
    ferry = story(101)
    ferry.headline = "Ferry fares: islanders pay 45p more"
    ferry.save()

    run(HARBOURSIDE)

    assert story(101).headline == "Ferry fares: islanders pay 45p more"


def test_a_moderators_decision_in_newsroom_survives_a_later_import(moderator, tmp_path):
    run(HARBOURSIDE)
    held = Comment.objects.get(wordpress_id=14)
    held.reject(by=moderator, reason="Off-topic")
    changed = HARBOURSIDE.read_text(encoding="utf-8").replace("Ferry fares rise by 12%", "Fares up")
    path = tmp_path / "again.xml"
    path.write_text(changed, encoding="utf-8")

    run(path)

    held.refresh_from_db()
    assert held.status == Comment.Status.REJECTED


# --- Failures, dry runs and hostile files ---------------------------------------------------


def test_a_post_that_fails_rolls_back_alone_and_is_listed_with_the_reason(tmp_path):
    too_deep = "<blockquote>" * 250 + "Deep" + "</blockquote>" * 250
    comment = comment_xml(1)
    path = write_export(
        tmp_path,
        post_xml(1),
        post_xml(2, content=too_deep, title="Nested").replace("</item>", comment + "</item>"),
        post_xml(3),
    )

    output = run(path)

    assert set(Article.objects.values_list("wordpress_id", flat=True)) == {1, 3}
    assert Comment.objects.count() == 0
    assert not ArticleRedirect.objects.filter(old_path="/news/story-2/").exists()
    assert "Failed, rolled back (fix and run again) (1):" in output
    assert 'post 2 "Nested": The body nests HTML elements more than 200 deep' in output
    assert "stories: 2 created" in output


def test_a_slug_already_taken_that_month_fails_that_post_with_a_clear_reason(tmp_path):
    published_article(
        slug="story-1", at=dt.datetime(2024, 3, 10, 9, tzinfo=dt.UTC), section=SectionFactory()
    )
    path = write_export(tmp_path, post_xml(1), post_xml(2))

    output = run(path)

    assert not Article.objects.filter(wordpress_id=1).exists()
    assert Article.objects.filter(wordpress_id=2).exists()
    assert 'post 1 "A quayside story": Another story published that month already uses' in output


def test_a_dry_run_reports_and_writes_nothing(uploads, settings):
    before = table_counts()

    output = run(HARBOURSIDE, uploads=uploads, dry_run=True, create_users=True)

    assert table_counts() == before
    assert media_files(settings) == []
    assert output.startswith("Reading")
    assert "Dry run from The Harbourside Gazette: nothing was written." in output
    assert "stories: 8 created" in output
    assert "comments: 4 created" in output
    assert "images: 1 created" in output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_shown_only_on_a_terminal(capsys):
    run(HARBOURSIDE)
    assert "post/s" not in capsys.readouterr().err

    call_command("import_wordpress", str(HARBOURSIDE), stdout=Terminal())
    assert "Importing: 100%" in capsys.readouterr().err


def test_a_missing_export_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"There is no export file at .*nowhere\.xml"):
        run(tmp_path / "nowhere.xml")


def test_a_missing_uploads_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no uploads folder at"):
        run(HARBOURSIDE, uploads=tmp_path / "no-such-folder")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""


def hostile_files() -> list[tuple[str, bytes, str]]:
    harbourside = HARBOURSIDE.read_bytes()
    huge = (HEAD + post_xml(1, content="")).encode().replace(
        b"<![CDATA[]]>", b"A" * (20 * 1024 * 1024), 1
    ) + b"</channel></rss>"
    return [
        ("billion-laughs", BILLION_LAUGHS.encode(), "Refused: the file contains a document type"),
        ("external-entity", EXTERNAL_ENTITY.encode(), "Refused: the file contains a document"),
        ("truncated", harbourside[: len(harbourside) // 2], "The file ends before the export"),
        ("wrong-root", b"<html><body>Hi</body></html>", "the document is <html>"),
        ("not-xml", b"Title,Date\nFerry,2023\n", "the XML is broken at line 1"),
        ("huge-text", huge, "longer than 10,000,000 characters"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"), hostile_files(), ids=[h[0] for h in hostile_files()]
)
def test_hostile_files_are_refused_with_one_line_and_nothing_written(tmp_path, name, data, message):
    path = tmp_path / f"{name}.xml"
    path.write_bytes(data)

    with pytest.raises(CommandError) as caught:
        run(path)

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert Article.objects.count() == 0


def test_from_the_shell_a_hostile_file_is_one_line_on_stderr_and_exit_status_1(tmp_path):
    path = tmp_path / "billion-laughs.xml"
    path.write_text(BILLION_LAUGHS)

    result = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(path)],
        cwd=ROOT,
        env={"NEWSROOM_DEBUG": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("CommandError: Refused: the file contains a document type")
