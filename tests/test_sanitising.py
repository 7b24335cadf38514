"""Story bodies are cleaned against the editor's allow-list on every save."""

import pytest

from articles.sanitize import clean_body
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><style>p.MsoNormal {margin:0cm}</style></head><body>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]-->
<p class="MsoNormal" style="margin-bottom:0cm;line-height:normal"><span lang="EN-GB"
style="font-family:Calibri">The ferry ran late.<o:p></o:p></span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>Second point</p></body></html>"""


def test_it_removes_scripts():
    assert "script" not in clean_body("<p>Hello</p><script>alert(1)</script>")
    assert "alert" not in clean_body("<p>Hello</p><script>alert(1)</script>")


def test_it_removes_event_handlers():
    cleaned = clean_body('<p onclick="steal()">Hi <img src=x onerror="steal()"></p>')
    assert "onerror" not in cleaned
    assert "onclick" not in cleaned
    assert "<img" not in cleaned


def test_it_removes_javascript_links_but_keeps_the_text():
    cleaned = clean_body('<p><a href="javascript:alert(1)">click</a></p>')
    assert "javascript" not in cleaned
    assert "click" in cleaned


def test_it_keeps_web_and_mail_links_and_marks_them_noopener():
    cleaned = clean_body(
        '<p><a href="https://example.org/report" target="_blank">report</a> '
        '<a href="mailto:desk@example.org">desk</a></p>'
    )
    assert 'href="https://example.org/report"' in cleaned
    assert 'href="mailto:desk@example.org"' in cleaned
    assert 'rel="noopener"' in cleaned
    assert "target" not in cleaned


def test_it_reduces_word_markup_to_plain_paragraphs():
    cleaned = clean_body(WORD_PASTE)
    assert "The ferry ran late." in cleaned
    assert "Second point" in cleaned
    for debris in ("Mso", "style", "class", "<o:p", "<span", "mso-", "<xml", "[if", "Calibri"):
        assert debris not in cleaned


def test_it_keeps_the_allowed_structure():
    html = (
        "<h2>Sub</h2><h3>Smaller</h3><h4>Smallest</h4><p><strong>b</strong> <em>i</em></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>q</p></blockquote>"
    )
    assert clean_body(html) == html


def test_it_demotes_headings_outside_h2_to_h4():
    cleaned = clean_body("<h1>Big</h1><h5>Tiny</h5><table><tr><td>cell</td></tr></table>")
    assert "<h1" not in cleaned
    assert "<h5" not in cleaned
    assert "<table" not in cleaned
    assert "Big" in cleaned


def test_saving_a_story_cleans_its_body_in_the_database():
    article = ArticleFactory(body='<p style="color:red">Hi</p><script>x()</script>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_an_empty_editor_paragraph_is_an_empty_body():
    assert clean_body("<p></p>") == ""
