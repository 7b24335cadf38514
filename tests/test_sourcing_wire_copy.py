"""The sourcing check on copy as agencies and desks write it: trailing LINK markers, agency
statements in quotation marks, scare quotes, currencies after the number, figures in the
headline, and live stories edited after publication."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from articles.figures import find_figures
from articles.models import Article, Person, Publisher, PublisherDomain, Quote
from articles.placeholders import typed_placeholders
from articles.quotes import find_quotes
from articles.sourcing import ProblemKind, blocking_problems, sourcing_problems
from tests.factories import (
    ArticleFactory,
    FigureFactory,
    QuoteFactory,
    SourceFactory,
    published_article,
)
from tests.test_provenance_admin import change_form_data, change_url

pytestmark = pytest.mark.django_db

WIRE_STORY = """
<p>The coalition will withdraw its remaining forces from the northern bases by the end of
the month, Halvard Sten, a spokesman for the coalition, has confirmed. LINK</p>
<p>The ministry of the interior said the decision had been taken after talks in the capital.
LINK</p>
<p>“Our people will not be left without protection,” the interior minister, Dalia Roussel,
told the Meridian agency. LINK</p>
<p>Opposition MPs called the timetable ‘hasty’ and warned of ‘resistance’ in the hills, where
the government calls the armed groups “outlaws”. LINK</p>
"""


def kinds(article: Article) -> list[str]:
    return [problem.kind for problem in sourcing_problems(article)]


# --- Placeholders and link text -------------------------------------------------------------------


def test_four_trailing_link_markers_are_four_placeholders() -> None:
    article = ArticleFactory(body=WIRE_STORY)
    placeholders = [p for p in sourcing_problems(article) if p.kind == "link_placeholder"]
    assert len(placeholders) == 4
    assert "The placeholder “LINK” after “…" in str(placeholders[0])
    assert "has confirmed.”" in str(placeholders[0])


@pytest.mark.parametrize(
    "text",
    [
        "The ministry has confirmed. LINK",
        "The ministry has confirmed LINK.",
        "The ministry has confirmed. URL",
        "The death toll rose to TK. The ministry said so.",
        "Talks will resume (LINK) next week.",
    ],
)
def test_typed_markers_are_found(text: str) -> None:
    assert len(typed_placeholders(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "The missing link in the chain was found.",
        "Paste the URL into the form.",
        "THE MISSING LINK.",
        "The ferry link to the island reopens.",
    ],
)
def test_words_that_are_not_markers_are_left_alone(text: str) -> None:
    assert typed_placeholders(text) == []


def test_a_linked_marker_is_a_source_not_a_placeholder_but_gets_advice() -> None:
    article = ArticleFactory(
        body='<p>The coalition has confirmed. <a href="https://coalition.example/withdrawal">'
        "LINK</a></p>"
    )
    problems = sourcing_problems(article)
    assert [p.kind for p in problems] == [
        ProblemKind.VAGUE_LINK_TEXT,
        ProblemKind.UNKNOWN_PUBLISHER,
    ]
    assert "has no address" not in str(problems[0])
    assert "Readers cannot tell where the link “LINK” goes" in str(problems[0])
    assert blocking_problems(article) == []


@pytest.mark.parametrize("words", ["here", "click here", "LINK", "this link"])
def test_vague_link_words_get_advice_that_does_not_hold_the_story(words: str, editor) -> None:
    article = ArticleFactory(
        body=f'<p>The minutes are <a href="https://council.example/minutes">{words}</a>.</p>'
    )
    assert ProblemKind.VAGUE_LINK_TEXT in kinds(article)
    assert blocking_problems(article) == []
    article.publish(by=editor)
    article.refresh_from_db()
    assert article.is_live() and article.sourcing_override_reason == ""


def test_a_link_named_for_its_source_gets_no_advice() -> None:
    publisher = Publisher.objects.create(name="Ellery Council", kind="government")
    PublisherDomain.objects.create(publisher=publisher, domain="council.example")
    article = ArticleFactory(
        body='<p>The <a href="https://council.example/minutes">council minutes</a> say so.</p>'
    )
    assert sourcing_problems(article) == []


# --- Units and currencies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        ("About 2,500 US troops remain in the country.", "2,500", "2500", "US troops"),
        ("Police detained 36 Iraqi persons at the border.", "36", "36", "Iraqi persons"),
        (
            "The base was hit by 12 explosives-packed drones.",
            "12",
            "12",
            "explosives-packed drones",
        ),
        ("A litre of fuel now costs 154 $ on the black market.", "154 $", "154", "USD"),
        ("Each family received 2,500 $ in compensation.", "2,500 $", "2500", "USD"),
        ("Each family received $154 in compensation.", "$154", "154", "USD"),
        ("Each family received 154 USD in compensation.", "154 USD", "154", "USD"),
        ("The council spent €38,000 on the scheme.", "€38,000", "38000", "EUR"),
        ("The council spent 38,000 euros on the scheme.", "38,000 euros", "38000", "EUR"),
        ("The council spent 38,000 € on the scheme.", "38,000 €", "38000", "EUR"),
        ("Three Labour MPs voted against.", "Three", "3", "Labour MPs"),
        ("The depot adds 120 new spaces.", "120", "120", "new spaces"),
    ],
)
def test_units_and_currencies_as_written(sentence, text, value, unit) -> None:
    (figure,) = find_figures(sentence)
    assert (figure.text, str(figure.value), figure.unit) == (text, value, unit)


def test_a_capitalised_word_after_a_number_without_a_plural_is_no_unit() -> None:
    (figure,) = find_figures("The 36 Iraqi went home on Friday.")
    assert figure.unit == ""


# --- Quotes in the body ---------------------------------------------------------------------------


def test_agency_statements_in_quotation_marks_are_found_with_speaker_and_role() -> None:
    text = (
        "“The withdrawal will be complete by the end of the month,” said Halvard Sten, a "
        "spokesman for the coalition.\n"
        "Interior Minister Dalia Roussel told the Meridian agency: “Our people will not be left "
        "without protection.”\n"
        "The ministry’s communiqué: “All units have returned to their bases without incident.”\n"
        "According to the Meridian agency, the deputy minister said the talks had “made real "
        "progress on every point”."
    )
    found = [(q.speaker, q.role, q.text[:20]) for q in find_quotes(text)]
    assert found == [
        ("Halvard Sten", "a spokesman for the coalition", "The withdrawal will "),
        ("Dalia Roussel", "Interior Minister", "Our people will not "),
        ("The ministry", "", "All units have retur"),
        ("the deputy minister", "", "made real progress o"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Opposition MPs called the timetable ‘hasty’ and warned of ‘resistance’.",
        "The government calls the armed groups “outlaws”, the agency said.",
        "The plan, known as “Clean Harbours For Every Town”, was published on Monday.",
        "The “so-called reform” was dropped.",
    ],
)
def test_scare_quotes_and_quoted_names_are_not_quotes(text: str) -> None:
    assert find_quotes(text) == []


def test_an_unrecorded_quote_is_a_problem_naming_its_speaker() -> None:
    article = ArticleFactory(
        body="<p>“Our people will not be left without protection,” the interior minister, "
        "Dalia Roussel, told the Meridian agency.</p>"
    )
    (problem,) = sourcing_problems(article)
    assert problem.kind == ProblemKind.UNRECORDED_QUOTE
    assert "“Our people will not be left without protection”" in str(problem)


def test_a_recorded_quote_covers_the_quote_in_the_body() -> None:
    article = ArticleFactory(
        body="<p>“Our people will not be left without protection,” Dalia Roussel said.</p>"
    )
    QuoteFactory(article=article, text="Our people will not be left without protection.")
    assert sourcing_problems(article) == []


def test_scare_quotes_in_a_story_are_no_problem() -> None:
    article = ArticleFactory(
        body="<p>Opposition MPs called the timetable ‘hasty’ and the armed groups “outlaws”.</p>"
    )
    assert sourcing_problems(article) == []


def test_record_this_quote_records_speaker_role_text_and_the_linked_source(editor_client):
    source = SourceFactory(url="https://meridian.example/statements/roussel")
    article = ArticleFactory(
        body="<p>“Our people will not be left without protection,” the interior minister, "
        'Dalia Roussel, told the <a href="https://meridian.example/statements/roussel">'
        "Meridian agency</a>.</p>"
    )
    page = editor_client.get(change_url(article)).content.decode()
    assert "Record this quote" in page
    (key,) = re.findall(r'name="_record_quote" value="([^"]+)"', page)
    data = change_form_data(editor_client, article, _record_quote=key)
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302 and response["Location"] == change_url(article)
    quote = Quote.objects.get(article=article)
    assert quote.person.name == "Dalia Roussel"
    assert quote.text == "Our people will not be left without protection"
    assert quote.source == source
    assert Person.objects.filter(name="Dalia Roussel").count() == 1
    assert blocking_problems(article) == []


# --- Everything readers see -----------------------------------------------------------------------


def test_figures_in_the_headline_are_checked() -> None:
    article = ArticleFactory(headline="Council spends £38,000 on 120 new spaces")
    problems = sourcing_problems(article)
    assert [p.kind for p in problems] == [ProblemKind.UNRECORDED_FIGURE] * 2
    assert "“£38,000” in the headline" in str(problems[0])
    assert "“120” in the headline" in str(problems[1])


def test_standfirst_caption_and_credit_are_checked() -> None:
    article = ArticleFactory(
        standfirst="The ministry said 36 people were held.",
        lead_image_caption="Some 400 families queue for water.",
        lead_image_credit="Photo: LINK",
    )
    messages = [str(p) for p in sourcing_problems(article)]
    assert any("“36” in the standfirst" in m for m in messages)
    assert any("“400” in the lead image caption" in m for m in messages)
    assert any("“LINK”" in m and "lead image credit" in m for m in messages)


def test_one_figure_record_covers_the_headline_and_the_body() -> None:
    article = ArticleFactory(
        headline="Council spends £38,000 on parking",
        body="<p>The council spent £38,000 on the car park.</p>",
    )
    FigureFactory(article=article, text="£38,000", value=Decimal(38000), unit="GBP")
    assert sourcing_problems(article) == []


# --- Live stories ---------------------------------------------------------------------------------


def test_saving_a_live_story_that_adds_a_problem_is_refused_without_a_reason(editor_client):
    article = published_article()
    data = change_form_data(
        editor_client, article, body="<p>The council added 120 spaces and £38,000.</p>"
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved: this change to a live story adds 2 sourcing problems." in html
    assert "“120”" in html and "“£38,000”" in html
    assert "say here why it must go out as it is" in html
    article.refresh_from_db()
    assert "120 spaces" not in article.body
    assert article.figures.count() == 0


def test_saving_a_live_story_with_a_reason_keeps_the_change_and_the_reason(editor_client, editor):
    article = published_article()
    data = change_form_data(
        editor_client,
        article,
        body="<p>The council added 120 spaces and £38,000.</p>",
        publish_anyway_reason="Figures read out at the council meeting; minutes follow.",
    )
    response = editor_client.post(change_url(article), data, follow=True)
    assert "Saved despite 2 new sourcing problems" in response.content.decode()
    article.refresh_from_db()
    assert "120 spaces" in article.body and article.is_live()
    assert article.sourcing_override_by == editor
    assert article.sourcing_override_reason.startswith("Figures read out")
    assert article.history.first().history_change_reason.startswith(
        "Changed while live despite 2 new sourcing problems"
    )


def test_an_edit_to_a_live_story_that_adds_no_problem_saves_plainly(editor_client):
    article = published_article()
    data = change_form_data(editor_client, article, headline="Boats go out on the tide")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Boats go out on the tide"
    assert article.sourcing_override_reason == ""


def test_a_draft_saves_with_problems_as_before(editor_client):
    article = ArticleFactory()
    data = change_form_data(editor_client, article, body="<p>It cost £38,000.</p>")
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert "£38,000" in article.body


def test_the_refusal_to_publish_is_one_error_message_with_a_list(editor_client):
    article = ArticleFactory()
    data = change_form_data(
        editor_client, article, body="<p>It cost £38,000 and 120 spaces.</p>", _publish="1"
    )
    response = editor_client.post(change_url(article), data, follow=True)
    (message,) = list(get_messages(response.wsgi_request)) or list(response.context["messages"])
    assert message.level_tag == "error"
    assert str(message).count('<li class="sourcing-problem">') == 2
    assert "css/sourcing-admin.css" in response.content.decode()


# --- The story list -------------------------------------------------------------------------------


def test_the_story_list_shows_each_storys_sourcing_status(editor_client, editor):
    ArticleFactory(headline="A clean story")
    ArticleFactory(headline="Costly spaces", body="<p>It cost £38,000 for 120 spaces.</p>")
    excused = ArticleFactory(headline="Excused", body="<p>It cost £4,000.</p>")
    excused.publish(by=editor, override_reason="Minutes follow.")
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "Clean" in html
    assert "2 problems" in html
    assert "Published with a reason" in html


def test_the_story_list_checks_fifty_stories_in_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for n in range(50):
        article = ArticleFactory(body=f"<p>It cost £{n + 1},000 for {n + 100} spaces.</p>")
        FigureFactory(article=article, source=None)
        QuoteFactory(article=article, source=None)
    editor_client.get("/admin/articles/article/")  # warm the session and content types
    with django_assert_max_num_queries(16) as captured:
        response = editor_client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert response.content.decode().count("4 problems") == 50
    assert not any(
        "articles_figure" in q["sql"] and 'article_id" =' in q["sql"]
        for q in captured.captured_queries
    )
