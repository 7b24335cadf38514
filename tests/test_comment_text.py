"""The plain functions behind the comment template filters (comments/text.py)."""

from comments.text import clean_text, find_links, render_body, word_pattern


def test_it_escapes_everything_and_keeps_line_breaks():
    assert render_body("<b>bold</b> & co\nnext") == "&lt;b&gt;bold&lt;/b&gt; &amp; co<br>\nnext"


def test_it_links_web_addresses_with_nofollow_ugc_noopener():
    html = render_body("Try www.example.org/path, or https://example.com/x?a=1&b=2).")
    assert '<a href="http://www.example.org/path" rel="nofollow ugc noopener">' in html
    assert '<a href="https://example.com/x?a=1&amp;b=2" rel="nofollow ugc noopener">' in html
    assert html.endswith("</a>).")


def test_it_never_links_other_schemes():
    assert "<a" not in render_body("javascript:alert(1) data:text/html,x ftp://example.org")


def test_it_marks_matched_words_without_linking_for_moderators():
    html = render_body("The LIAR posted https://spam.example", links=False, highlight=["liar"])
    assert html == "The <mark>LIAR</mark> posted <mark>https://spam.example</mark>"


def test_words_match_whole_words_and_phrases_case_insensitively():
    pattern = word_pattern(["liar", "casino bonus"])
    assert pattern.search("What a Liar!")
    assert not pattern.search("a familiar face")
    assert pattern.search("CASINO\n bonus")
    assert word_pattern(["", "  "]) is None


def test_it_counts_links():
    assert find_links("https://a.example, www.b.example and c.example") == [
        "https://a.example",
        "www.b.example",
    ]


def test_cleaning_drops_controls_and_direction_overrides_but_keeps_line_breaks():
    assert clean_text("a\u202eb\x00c\u200bd\r\ne", multiline=True) == "abcd\ne"
    assert clean_text("Eve\r\nBcc: x", multiline=False) == "Eve Bcc: x"
    assert clean_text("one\n\n\n\n\ntwo", multiline=True) == "one\n\ntwo"
