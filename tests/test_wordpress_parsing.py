"""Reading a WordPress export: every mapping, body conversion, and hostile files refused.

`tests/data/wordpress/harbourside.xml` is a hand-written export of a fictional outlet,
The Harbourside Gazette; the hostile files are built here.
"""

from __future__ import annotations

import contextlib
import io
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsroom.wordpress.export import CommentState, PostState, WxrError, WxrExport, WxrPost
from newsroom.wordpress.markup import wordpress_body_to_html, wordpress_comment_to_text, wpautop
from newsroom.wordpress.wxr import parse_wxr

HARBOURSIDE = Path(__file__).parent / "data" / "wordpress" / "harbourside.xml"

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel><title>Gazette</title><wp:wxr_version>1.1</wp:wxr_version>
"""
TAIL = "</channel></rss>\n"


def wxr(items: str) -> io.BytesIO:
    return io.BytesIO((HEAD + items + TAIL).encode())


def item(**fields: str) -> str:
    values = {
        "post_id": "1",
        "post_type": "post",
        "status": "publish",
        "post_date": "2024-01-15 09:30:00",
        "post_date_gmt": "2024-01-15 09:30:00",
        "post_name": "a-story",
        "title": "A story",
        "content": "Text.",
        **fields,
    }
    return f"""<item><title><![CDATA[{values["title"]}]]></title>
<content:encoded><![CDATA[{values["content"]}]]></content:encoded>
<wp:post_id>{values["post_id"]}</wp:post_id><wp:post_type>{values["post_type"]}</wp:post_type>
<wp:status>{values["status"]}</wp:status><wp:post_date>{values["post_date"]}</wp:post_date>
<wp:post_date_gmt>{values["post_date_gmt"]}</wp:post_date_gmt>
<wp:post_name>{values["post_name"]}</wp:post_name></item>"""


@pytest.fixture
def export() -> WxrExport:
    return parse_wxr(HARBOURSIDE)


def post(export: WxrExport, wordpress_id: int) -> WxrPost:
    return next(p for p in export.posts if p.wordpress_id == wordpress_id)


def skipped_reasons(export: WxrExport) -> dict[tuple[str, int | None], str]:
    return {(s.kind, s.wordpress_id): s.reason for s in export.skipped}


# The site, its people and its terms ----------------------------------------------------------


def test_it_reads_the_site_and_its_authors(export):
    assert export.wxr_version == "1.2"
    assert export.site_title == "The Harbourside Gazette"
    assert export.site_url == "https://harbourside-gazette.test"
    mara, tobias = export.authors
    assert (mara.wordpress_id, mara.login, mara.email) == (
        2,
        "mara",
        "mara@harbourside-gazette.test",
    )
    assert (mara.display_name, mara.first_name, mara.last_name) == ("Mara Quill", "Mara", "Quill")
    assert tobias.display_name == "Tobias Fenwright-Ó Dálaigh"


def test_it_reads_categories_with_parents_and_decoded_names(export):
    categories = {c.slug: c for c in export.categories}
    assert list(categories) == ["news", "council", "sport"]
    assert categories["council"].name == "Council & Politics"
    assert categories["council"].parent == "news"
    assert categories["council"].wordpress_id == 5
    assert [(t.slug, t.name) for t in export.tags] == [("ferries", "Ferries"), ("budget", "Budget")]


# Posts -----------------------------------------------------------------------------------------


def test_it_maps_every_wordpress_status(export):
    states = {p.wordpress_id: p.state for p in export.posts}
    assert states == {
        101: PostState.PUBLISHED,
        102: PostState.SCHEDULED,
        103: PostState.DRAFT,
        104: PostState.REVIEW,
        105: PostState.DRAFT,  # private
        107: PostState.DRAFT,  # published behind a password
        108: PostState.PUBLISHED,
        109: PostState.PUBLISHED,
    }
    assert post(export, 105).notes == ["private in WordPress, imported as a draft"]
    assert post(export, 107).notes == ["password-protected in WordPress, imported as a draft"]


def test_it_skips_trash_revisions_pages_and_auto_drafts_with_a_reason(export):
    reasons = skipped_reasons(export)
    assert reasons[("post", 106)] == "in the WordPress trash"
    assert reasons[("revision", 110)] == "a revision"
    assert reasons[("page", 111)] == "Newsroom imports posts, not WordPress pages"
    assert reasons[("post", 112)] == "an auto-draft WordPress made, never saved by anyone"
    assert {106, 110, 111, 112}.isdisjoint(p.wordpress_id for p in export.posts)


def test_it_reads_a_published_post(export):
    story = post(export, 101)
    assert story.title == "Ferry fares rise by 12% – council & operator disagree"
    assert story.slug == "ferry-fares-rise"
    assert story.link == "https://harbourside-gazette.test/2023/04/ferry-fares-rise/"
    assert story.old_path == "/2023/04/ferry-fares-rise/"
    assert story.guid == "https://harbourside-gazette.test/?p=101"
    assert story.author_login == "mara"
    assert story.excerpt == "Islanders face a 12% rise & fewer sailings."
    assert story.published_at == datetime(2023, 4, 3, 8, 15, tzinfo=UTC)
    assert story.modified_at == datetime(2023, 4, 4, 9, 0, tzinfo=UTC)
    assert story.comments_open is True
    assert [t.slug for t in story.tags] == ["ferries", "budget"]


def test_the_primary_category_comes_first_so_it_becomes_the_section(export):
    # WordPress lists categories by name; Yoast's primary category (term 4, News) leads.
    categories = post(export, 101).categories
    assert [(c.slug, c.name, c.parent) for c in categories] == [
        ("news", "News", ""),
        ("council", "Council & Politics", "news"),
    ]


def test_without_a_primary_category_the_export_order_is_kept(settings):
    items = item(content="x").replace(
        "</item>",
        '<category domain="category" nicename="sport">Sport</category>'
        '<category domain="category" nicename="arts">Arts</category></item>',
    )
    assert [c.slug for c in parse_wxr(wxr(items)).posts[0].categories] == ["sport", "arts"]


def test_a_scheduled_post_keeps_its_future_time(export):
    regatta = post(export, 102)
    assert regatta.state is PostState.SCHEDULED
    assert regatta.published_at == datetime(2031, 6, 14, 8, 0, tzinfo=UTC)
    assert regatta.comments_open is False
    assert [c.slug for c in regatta.categories] == ["sport"]


def test_a_draft_without_gmt_date_is_read_in_the_site_time_zone(export):
    cottage = post(export, 103)
    assert cottage.published_at == datetime(2023, 7, 1, 12, 30, tzinfo=ZoneInfo("Europe/London"))
    assert cottage.published_at.utcoffset().total_seconds() == 3600  # British Summer Time


def test_the_site_time_zone_comes_from_settings(settings):
    settings.TIME_ZONE = "America/New_York"
    export = parse_wxr(wxr(item(status="draft", post_date_gmt="0000-00-00 00:00:00")))
    assert export.posts[0].published_at == datetime(2024, 1, 15, 14, 30, tzinfo=UTC)


def test_a_time_zone_can_be_passed_in():
    export = parse_wxr(
        wxr(item(status="draft", post_date_gmt="")), time_zone=ZoneInfo("Asia/Tokyo")
    )
    assert export.posts[0].published_at == datetime(2024, 1, 15, 0, 30, tzinfo=UTC)


def test_a_draft_without_a_slug_gets_one_from_its_title(export):
    assert post(export, 103).slug == "lighthouse-keepers-cottage-for-sale"


def test_a_post_with_neither_slug_nor_usable_title_is_named_by_its_id():
    export = parse_wxr(wxr(item(post_id="77", post_name="", title="☕☕", status="draft")))
    assert export.posts[0].slug == "post-77"


def test_unicode_survives_and_percent_encoded_slugs_become_ascii(export):
    cafe = post(export, 108)
    assert cafe.title == "Café Ōtaki opens on the quay — “best flat white in Port Elm” ☕"
    assert cafe.slug == "cafe-otaki"
    body = wordpress_body_to_html(cafe.content)
    assert "Ngaio Pärn says: “Kia ora, tere tulemast!”" in body
    assert "€2.80 — naïve pricing, she jokes. 🚢" in body


def test_cdata_split_around_its_own_terminator_is_joined(export):
    tricky = post(export, 109)
    assert tricky.title == "How to close a CDATA section: ]]> explained"
    assert tricky.content.startswith("The sequence ]]> ends a section.")
    assert tricky.excerpt == ""


def test_a_script_inside_cdata_is_only_text_until_the_body_is_cleaned(export):
    tricky = post(export, 109)
    assert '<script>alert("x")</script>' in tricky.content
    body = wordpress_body_to_html(tricky.content)
    assert "script" not in body
    assert "alert" not in body
    assert "onclick" not in body
    assert "<p>Safe text</p>" in body


def test_a_published_post_without_a_date_is_skipped():
    export = parse_wxr(wxr(item(post_id="9", post_date="", post_date_gmt="")))
    assert export.posts == []
    assert skipped_reasons(export)[("post", 9)] == "it is published but has no date"


def test_an_unknown_status_is_skipped_not_guessed():
    export = parse_wxr(wxr(item(post_id="9", status="archived")))
    assert skipped_reasons(export)[("post", 9)] == "unknown WordPress status 'archived'"


def test_empty_elements_are_empty_strings():
    export = parse_wxr(
        wxr(
            "<item><title/><content:encoded/><excerpt:encoded></excerpt:encoded>"
            "<wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type>"
            "<wp:status>draft</wp:status><wp:post_name/></item>"
        )
    )
    (story,) = export.posts
    assert (story.title, story.content, story.excerpt, story.slug) == ("", "", "", "post-5")
    assert story.published_at is None
    assert story.categories == story.tags == story.comments == []
    assert story.thumbnail_id is None


def test_an_older_wxr_version_is_read_too():
    export = parse_wxr(wxr(item()))
    assert export.wxr_version == "1.1"
    assert [p.slug for p in export.posts] == ["a-story"]


# Featured images -------------------------------------------------------------------------------


def test_the_featured_image_has_its_file_caption_and_alt_text(export):
    image = export.featured_image(post(export, 101))
    assert image is not None
    assert image.wordpress_id == 201
    assert image.attached_file == "2023/04/ferry.jpg"
    assert image.url == "https://harbourside-gazette.test/wp-content/uploads/2023/04/ferry.jpg"
    assert image.caption == "The MV Gull leaving Port Elm & its quay at dawn."
    assert image.alt_text == "The white ferry MV Gull pulling away from a stone quay"
    assert image.title == "ferry"
    assert image.parent_id == 101
    assert export.featured_image(post(export, 102)) is None


def test_an_attached_file_path_cannot_leave_the_uploads_folder(export):
    assert export.attachments[202].attached_file == ""


def test_a_missing_attached_file_path_is_taken_from_the_uploads_url(export):
    assert export.attachments[203].attached_file == "2022/12/net mending.jpg"


# Comments --------------------------------------------------------------------------------------


def test_comments_keep_their_threads_authors_and_dates(export):
    comments = {c.wordpress_id: c for c in post(export, 101).comments}
    assert list(comments) == [11, 12, 14, 15]
    priya, reply = comments[11], comments[12]
    assert priya.parent_id is None
    assert (priya.author_name, priya.author_email, priya.author_url) == (
        "Priya N.",
        "priya@example.test",
        "https://priya.example.test",
    )
    assert priya.ip_address == "203.0.113.7"
    assert priya.created_at == datetime(2023, 4, 3, 9, 0, tzinfo=UTC)
    assert reply.parent_id == 11
    assert reply.user_id == 2


def test_comment_approval_states_are_mapped(export):
    states = {c.wordpress_id: c.state for c in post(export, 101).comments}
    assert states == {
        11: CommentState.APPROVED,
        12: CommentState.APPROVED,
        14: CommentState.PENDING,
        15: CommentState.SPAM,
    }


def test_trashed_comments_pingbacks_and_trackbacks_are_skipped_with_a_reason(export):
    reasons = skipped_reasons(export)
    assert reasons[("comment", 13)] == "in the WordPress trash"
    assert reasons[("comment", 16)] == "a pingback, not a reader's comment"
    assert reasons[("comment", 17)] == "a trackback, not a reader's comment"


def test_a_reply_to_a_skipped_comment_hangs_from_the_nearest_kept_ancestor(export):
    ruth = next(c for c in post(export, 101).comments if c.wordpress_id == 14)
    assert ruth.parent_id == 12  # its parent, 13, was trashed


def test_a_comment_without_gmt_date_is_read_in_the_site_time_zone(export):
    ruth = next(c for c in post(export, 101).comments if c.wordpress_id == 14)
    assert ruth.created_at == datetime(2023, 4, 3, 12, 0, tzinfo=UTC)


def test_a_loop_of_comment_parents_does_not_hang_the_parser():
    comments = "".join(
        f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        "<wp:comment_approved>trash</wp:comment_approved>"
        "<wp:comment_date_gmt>2024-01-01 00:00:00</wp:comment_date_gmt></wp:comment>"
        for number, parent in ((1, 2), (2, 1))
    ) + (
        "<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_parent>1</wp:comment_parent>"
        "<wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_date_gmt>2024-01-01 00:00:00</wp:comment_date_gmt></wp:comment>"
    )
    export = parse_wxr(wxr(item().replace("</item>", comments + "</item>")))
    (kept,) = export.posts[0].comments
    assert (kept.wordpress_id, kept.parent_id) == (3, None)


def test_comment_html_becomes_plain_text(export):
    priya = post(export, 101).comments[0]
    assert wordpress_comment_to_text(priya.content) == (
        "Fares went up last year too & the year before."
    )
    assert wordpress_comment_to_text("<script>alert(1)</script>Fine &lt;3") == "Fine <3"


# Bodies ----------------------------------------------------------------------------------------


def test_classic_bodies_get_wordpress_paragraphs_and_line_breaks():
    body = wordpress_body_to_html("First line\nsecond line\n\nNew paragraph\r\n\r\nThird")
    assert body == ("<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>\n<p>Third</p>")


def test_block_level_elements_are_not_wrapped_in_paragraphs():
    body = wordpress_body_to_html(
        "Intro\n<blockquote>Quoted\n\nTwice</blockquote>\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>"
        "\n<h2>Heading</h2>\nAfter"
    )
    assert body == (
        "<p>Intro</p>\n<blockquote><p>Quoted</p>\n<p>Twice</p></blockquote>\n"
        "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<h2>Heading</h2>\n<p>After</p>"
    )


def test_newlines_inside_a_tag_are_not_line_breaks():
    body = wordpress_body_to_html('A <a\nhref="https://example.test/">link</a>\nhere')
    assert body == '<p>A <a href="https://example.test/" rel="noopener">link</a><br>\nhere</p>'


def test_wpautop_leaves_preformatted_text_alone():
    assert wpautop("Code:\n\n<pre>a\n\nb</pre>") == "<p>Code:</p>\n<pre>a\n\nb</pre>\n"


def test_double_line_breaks_make_paragraphs():
    assert wordpress_body_to_html("One<br /><br>Two") == "<p>One</p>\n<p>Two</p>"


def test_block_editor_comments_are_removed_and_the_html_kept(export):
    body = wordpress_body_to_html(post(export, 102).content)
    assert "wp:" not in body
    assert "<!--" not in body
    assert body.startswith("<p>Forty-two boats have entered this year's regatta.</p>")
    assert "<h2>Route</h2>" in body  # h1 is not offered by the editor
    assert "<ul><li>Start: 10:00</li><li>Finish: around 15:30</li></ul>" in body
    assert "<br>" not in body  # WordPress does not auto-paragraph block posts


def test_a_block_image_keeps_its_caption_and_loses_the_image(export):
    body = wordpress_body_to_html(post(export, 102).content)
    assert "<p><em>Last regatta, 2027. Photo: Gazette</em></p>" in body
    assert "<img" not in body
    assert "figure" not in body


def test_an_embed_block_becomes_a_link(export):
    body = wordpress_body_to_html(post(export, 102).content)
    url = "https://video.example.test/watch?v=regatta27"
    assert f'<p><a href="{url}" rel="noopener">{url}</a></p>' in body


def test_shortcodes_in_a_classic_post(export):
    body = wordpress_body_to_html(post(export, 101).content)
    assert body == (
        "<p>The Port Elm ferry will cost £4.20 from May, up from £3.75.<br>\n"
        'Councillor Ines Varga called it "a tax on islanders [sic]".</p>\n'
        "<p><em>The MV Gull leaving Port Elm. Photo: Jo Brannigan</em></p>\n"
        '<p><a href="https://video.example.test/watch?v=harbour123" rel="noopener">'
        "https://video.example.test/watch?v=harbour123</a></p>\n"
        "<p>We were not consulted.</p>\n"
        "<h3>What happens next</h3>\n"
        "<p>The council meets on 12 April.</p>"
    )


def test_an_old_style_caption_attribute_is_kept():
    body = wordpress_body_to_html('[caption caption="Quay &amp; crane"]<img src="q.jpg">[/caption]')
    assert body == "<p><em>Quay &amp; crane</em></p>"


def test_media_shortcodes_are_dropped_with_what_they_wrap():
    body = wordpress_body_to_html(
        'Before\n\n[video src="v.mp4"][/video]\n[audio mp3="a.mp3"]\n'
        '[playlist ids="1,2"]\n[gallery]\n\nAfter'
    )
    assert body == "<p>Before</p>\n<p>After</p>"


def test_an_unknown_shortcode_loses_its_tags_but_keeps_its_words():
    body = wordpress_body_to_html(
        'Call us [contact-form-7 id="12" title="Tips"] or read on.\n\n'
        "[box style=warning]Roads closed[/box] [spacer/]"
    )
    assert body == "<p>Call us  or read on.</p>\n<p>Roads closed </p>"


def test_editorial_brackets_and_escaped_shortcodes_stay_as_written():
    body = wordpress_body_to_html('She said [the minister] was "wrong [sic]". Use [[gallery]].')
    assert body == '<p>She said [the minister] was "wrong [sic]". Use [gallery].</p>'


def test_anything_outside_the_editors_allow_list_is_removed():
    body = wordpress_body_to_html(
        '<p style="color:red" class="x">Hi <span>there</span> <img src="x.jpg" onerror="y()"></p>'
        '<iframe src="https://evil.example.test"></iframe><h6>Small</h6>'
        '<a href="javascript:steal()">click</a>'
    )
    assert body == '<p>Hi there </p>\n<h4>Small</h4>\n<p><a rel="noopener">click</a></p>'


def test_empty_and_blank_bodies_are_empty():
    assert wordpress_body_to_html("") == ""
    assert wordpress_body_to_html(" \n\n ") == ""
    assert wordpress_body_to_html("<p>&nbsp;</p><!-- wp:spacer --><!-- /wp:spacer -->") == ""


@pytest.mark.parametrize(
    "hostile",
    [
        "<" * 400_000,
        "<!--" * 200_000,
        "[" * 400_000,
        "[caption]" * 100_000,
        "[x " * 200_000,
        "[/b]" * 100_000 + "[b]" * 100_000,
        "<figure>" * 100_000,
        "<pre>" * 100_000,
        "<p>" + " " * 1_000_000 + "x",
        "a \n" * 100_000,
        "<!-- wp:" * 100_000,
        "<img" * 200_000,
    ],
    ids=lambda hostile: repr(hostile[:10]),
)
def test_pathological_bodies_are_converted_or_refused_quickly(hostile):
    started = time.perf_counter()
    with contextlib.suppress(WxrError):
        wordpress_body_to_html(hostile)
    assert time.perf_counter() - started < 5


def test_a_body_nested_too_deeply_for_the_cleaner_is_refused():
    with pytest.raises(WxrError, match="nests HTML elements more than 200 deep"):
        wordpress_body_to_html("<section>" * 201 + "Deep" + "</section>" * 201)
    deep_but_fine = "<blockquote>" * 50 + "Quote" + "</blockquote>" * 50
    assert "Quote" in wordpress_body_to_html(deep_but_fine * 100)
    many_paragraphs = "<p>Para" * 10_000
    assert wordpress_body_to_html(many_paragraphs).count("<p>") == 10_000


# Hostile and broken files ----------------------------------------------------------------------


def refused(source: bytes | str | Path) -> str:
    if isinstance(source, str):
        source = source.encode()
    started = time.perf_counter()
    with pytest.raises(WxrError) as caught:
        parse_wxr(io.BytesIO(source) if isinstance(source, bytes) else source)
    assert time.perf_counter() - started < 5
    message = str(caught.value)
    assert "\n" not in message
    return message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss><channel><wp:wxr_version xmlns:wp="http://wordpress.org/export/1.2/">1.2</wp:wxr_version>
<title>&lol9;</title></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>"""


def test_billion_laughs_is_refused():
    message = refused(BILLION_LAUGHS)
    assert message.startswith("Refused: the file contains a document type declaration")


def test_an_external_entity_is_refused_and_never_read():
    message = refused(EXTERNAL_ENTITY)
    assert message.startswith("Refused")
    assert "root:" not in message


def test_entities_are_refused_even_when_dtds_are_allowed(monkeypatch):
    # Belt and braces: if the DTD check were ever relaxed, entity declarations still fail.
    import defusedxml.ElementTree

    original = defusedxml.ElementTree.DefusedXMLParser.__init__

    def allowing_dtds(self, **kwargs):
        original(self, **{**kwargs, "forbid_dtd": False})

    monkeypatch.setattr(defusedxml.ElementTree.DefusedXMLParser, "__init__", allowing_dtds)
    assert "entity declarations" in refused(EXTERNAL_ENTITY)


def test_a_truncated_export_is_refused():
    data = HARBOURSIDE.read_bytes()
    message = refused(data[: len(data) // 2])
    assert message.startswith("The file ends before the export does")


def test_a_wrong_root_element_is_refused():
    message = refused('<?xml version="1.0"?><html><body>Hello</body></html>')
    assert message == (
        "This is not a WordPress export: the document is <html>, not an RSS file from "
        "Tools → Export."
    )


def test_an_rss_feed_that_is_not_an_export_is_refused():
    message = refused(
        "<rss><channel><title>Feed</title><item><title>A story</title></item></channel></rss>"
    )
    assert message.startswith("This is an RSS feed, not a WordPress export")
    assert refused("<rss><channel><title>Empty feed</title></channel></rss>").startswith(
        "This is not a WordPress export: it has no wp:wxr_version"
    )


def test_rss_without_a_channel_is_refused():
    assert "does not start with <channel>" in refused("<rss><item/></rss>")


def test_a_file_that_is_not_xml_is_refused():
    message = refused("Title,Date\nFerry fares,2023-04-03\n")
    assert message.startswith("This is not a WordPress export: the XML is broken at line 1")
    assert refused(b"\x00\xff\xfe binary").startswith("This is not a WordPress export")


@pytest.mark.parametrize("encoding", ["shift_jis", "klingon", "rot13"])
def test_an_unreadable_encoding_is_refused(encoding):
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    message = refused(declaration + "<rss><channel/></rss>")
    assert message.startswith("The file's text encoding cannot be read")


def test_utf16_and_latin1_exports_are_read():
    document = (HEAD + item(title="Café") + TAIL).split("?>", 1)[1]
    assert parse_wxr(io.BytesIO(document.encode("utf-16"))).posts[0].title == "Café"
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>' + document
    assert parse_wxr(io.BytesIO(latin.encode("latin-1"))).posts[0].title == "Café"


def test_an_empty_file_is_refused():
    assert refused(b"").startswith("The file ends before the export does")


def test_a_zipped_export_is_refused_with_advice():
    assert refused(b"PK\x03\x04rest-of-zip") == (
        "The file is compressed: unzip it and import the .xml inside."
    )


def test_a_missing_file_is_refused(tmp_path):
    message = refused(tmp_path / "nowhere.xml")
    assert message == f"Cannot read {tmp_path / 'nowhere.xml'}: No such file or directory."


def test_a_twenty_megabyte_text_is_refused_quickly():
    body = b"A" * (20 * 1024 * 1024)
    data = (HEAD + item(content="")).encode().replace(b"<![CDATA[]]>", body) + TAIL.encode()
    message = refused(data)
    assert message == (
        "Refused: a single text in <content:encoded> is longer than 10,000,000 characters, "
        "far more than any story."
    )


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes((HEAD + item() * 20 + TAIL).encode())
    with pytest.raises(WxrError, match="larger than 0 MB"):
        parse_wxr(path, max_file_bytes=1000)
    with pytest.raises(WxrError, match="export from WordPress in parts"):
        parse_wxr(io.BytesIO(path.read_bytes()), max_file_bytes=1000)


def test_absurd_nesting_is_refused():
    assert "nested too deeply" in refused(HEAD + "<a>" * 100 + "</a>" * 100 + TAIL)


def test_an_undefined_entity_is_refused():
    # HTML's &nbsp; is not XML; WordPress writes such text inside CDATA.
    message = refused(HEAD + "<item><title>Fish &nbsp; chips</title></item>" + TAIL)
    assert "(undefined entity)" in message
