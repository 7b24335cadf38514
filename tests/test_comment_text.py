"""The plain functions behind the comment template filters, the quotes in our mail and the
comparison of names (comments/text.py)."""

from pathlib import Path

import pytest

from comments.text import (
    LINK_LEFT_OUT,
    clean_text,
    defang,
    find_links,
    name_key,
    render_body,
    word_pattern,
)


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


def test_a_quote_for_mail_leaves_links_out_and_makes_host_names_unclickable():
    quoted = defang(
        "Win at https://evil.example/login. Or www.evil.example, paypal.com.evil.example/x, "
        "bob@evil.example, 10.0.0.1/admin, evil\u3002example and javascript:alert(1)"
    )
    assert quoted.startswith(f"Win at {LINK_LEFT_OUT}. Or {LINK_LEFT_OUT}, ")
    assert "paypal[.]com[.]evil[.]example/x" in quoted and "bob@evil[.]example" in quoted
    assert "10[.]0[.]0[.]1/admin" in quoted and "evil[.]example and" in quoted
    assert "javascript" not in quoted and "evil.example" not in quoted
    assert not find_links(quoted)


def test_a_quote_keeps_ordinary_prose():
    text = "It rose 3.5% in the U.S. last year, e.g. in May. See p. 4."
    assert defang(text) == text


@pytest.mark.parametrize(
    "look_alike",
    [
        "Eddie Editor",
        "EDDIE EDITOR",
        "eddie.editor",
        "Edd\u0456e Ed\u0456tor",  # Cyrillic i
        "\u0415ddie \u0415ditor",  # Cyrillic capital Ie
        "\u0395ddie \u0395ditor",  # Greek capital Epsilon
        "\uff25\uff44\uff44\uff49\uff45 \uff25\uff44\uff49\uff54\uff4f\uff52",  # fullwidth
        "E\u0301ddie\u0323 Edi\u0308tor",  # combining marks
        "Edd1e Ed|tor",
        "Eddie\u200b Editor",  # zero width space
    ],
)
def test_names_that_look_alike_fold_to_one_key(look_alike):
    assert name_key(look_alike) == name_key("Eddie Editor")


@pytest.mark.parametrize("other", ["Eddie Editer", "Freddie Editor", "Eddie", "Edie Editor"])
def test_names_that_look_different_keep_different_keys(other):
    assert name_key(other) != name_key("Eddie Editor")


def test_the_look_alike_table_maps_single_non_ascii_letters_to_latin_ones():
    """One pair a line, a look-alike and the ASCII letter it passes for: a pair typed the wrong
    way round, or with a stray character, shows here."""
    path = Path(__file__).resolve().parent.parent / "comments" / "confusables.txt"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [line.split() for line in lines if not line.startswith("#")]
    assert len(pairs) > 50
    for pair in pairs:
        assert len(pair) == 2 and all(len(char) == 1 for char in pair), pair
        lookalike, letter = pair
        assert letter.isascii() and letter.isalpha(), pair
        assert lookalike != letter, pair
        # Only i → l maps an ASCII letter to another; every other look-alike is not ASCII or
        # is a digit or stroke.
        if lookalike.isascii() and lookalike.isalpha():
            assert (lookalike, letter) in {("I", "l"), ("i", "l")}, pair
    assert "".join(name_key(name) for name in ("Маrеn", "Maren")) == name_key("Maren") * 2
