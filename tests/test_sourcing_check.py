"""The sourcing check before publishing: blocked, overridden by an editor, refused to a writer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article
from articles.sourcing import ProblemKind, UnsourcedStory, link_placeholders, sourcing_problems
from tests.factories import ArticleFactory, FigureFactory, QuoteFactory, SourceFactory
from tests.test_provenance_admin import change_form_data, change_url

pytestmark = pytest.mark.django_db

UNSOURCED_BODY = "<p>The council will spend £4.2 million on the wall.</p>"


def kinds(article: Article) -> list[str]:
    return [problem.kind for problem in sourcing_problems(article)]


# --- What the check finds -------------------------------------------------------------------------


def test_a_story_without_numbers_quotes_or_placeholders_passes() -> None:
    assert sourcing_problems(ArticleFactory()) == []


def test_a_figure_without_a_source_is_a_problem() -> None:
    figure = FigureFactory(source=None, counts="Boats in the harbour")
    (problem,) = sourcing_problems(figure.article)
    assert problem.kind == ProblemKind.UNSOURCED_FIGURE
    assert "“42” (Boats in the harbour) has no source" in str(problem)


def test_a_quote_without_a_source_is_a_problem() -> None:
    quote = QuoteFactory(source=None, person__name="Colm Redfern")
    assert [str(p) for p in sourcing_problems(quote.article)] == [
        "The quote from Colm Redfern “The tide waits for nobody, and neither do the boats.” "
        "has no source."
    ]


def test_a_number_in_the_body_not_recorded_is_a_problem() -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    (problem,) = sourcing_problems(article)
    assert problem.kind == ProblemKind.UNRECORDED_FIGURE
    assert "“£4.2 million”" in str(problem)


def test_a_recorded_figure_covers_the_number_by_text_or_by_value() -> None:
    by_text = ArticleFactory(body=UNSOURCED_BODY)
    FigureFactory(article=by_text, text="£4.2 million", value=Decimal("4200000"), unit="GBP")
    by_value = ArticleFactory(body=UNSOURCED_BODY)
    FigureFactory(article=by_value, text="£4.2m", value=Decimal("4200000"), unit="GBP")
    assert kinds(by_text) == kinds(by_value) == []


def test_a_recorded_figure_with_another_unit_does_not_cover_the_number() -> None:
    article = ArticleFactory(body="<p>The wall is 42 metres long.</p>")
    FigureFactory(article=article, text="forty-two", value=Decimal(42), unit="boats")
    assert kinds(article) == [ProblemKind.UNRECORDED_FIGURE]


def test_dates_and_years_in_the_body_are_not_problems() -> None:
    article = ArticleFactory(body="<p>On 12 March 2021 the quay, built in 1894, reopened.</p>")
    assert sourcing_problems(article) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>As <a>LINK</a> shows.</p>", ["LINK"]),
        ('<p>As <a href="">the report</a> shows.</p>', ["the report"]),
        ('<p>As <a href="#">the report</a> shows.</p>', ["the report"]),
        ('<p>As <a href="LINK">the report</a> shows.</p>', ["the report"]),
        # A real address is an address, whatever the words: those get advice instead.
        ('<p>As <a href="https://x.example/r">[link]</a> shows.</p>', []),
        ('<p>As <a href="https://x.example/r">the report</a> shows.</p>', []),
        ("<p>A link in the chain broke.</p>", []),
    ],
)
def test_link_placeholders_are_found(body: str, expected: list[str]) -> None:
    assert link_placeholders(body) == expected


def test_a_link_placeholder_survives_cleaning_and_blocks_publication() -> None:
    article = ArticleFactory(body="<p>The minutes (<a>LINK</a>) say so.</p>")
    assert kinds(article) == [ProblemKind.LINK_PLACEHOLDER]


# --- publish() ------------------------------------------------------------------------------------


def test_publishing_a_story_with_problems_is_refused_and_it_stays_a_draft(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    with pytest.raises(UnsourcedStory, match="not recorded as a figure") as refusal:
        article.publish(by=editor)
    assert len(refusal.value.problems) == 1
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_an_editor_publishes_anyway_with_a_reason_kept_in_the_history(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    article.publish(by=editor, override_reason="Council budget papers are not online yet.")
    article.refresh_from_db()
    assert article.is_live()
    assert article.sourcing_override_reason == "Council budget papers are not online yet."
    assert article.sourcing_override_by == editor
    assert article.sourcing_override_at is not None
    record = article.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == (
        "Published despite 1 sourcing problem: Council budget papers are not online yet."
    )
    assert record.sourcing_override_reason == "Council budget papers are not online yet."


def test_a_blank_reason_is_no_reason(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    with pytest.raises(UnsourcedStory):
        article.publish(by=editor, override_reason="   ")


def test_a_writer_cannot_override_even_with_a_reason(writer) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    with pytest.raises(PermissionDenied):
        article.publish(by=writer, override_reason="I am sure of it.")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_nobody_can_override_without_a_name(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    with pytest.raises(PermissionDenied):
        article.publish(by=None, override_reason="A script decided.")


def test_scheduling_runs_the_check_too(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    with pytest.raises(UnsourcedStory):
        article.publish(by=editor, at=timezone.now() + dt.timedelta(days=1))
    assert not Article.objects.scheduled().filter(pk=article.pk).exists()


def test_a_sourced_story_publishes_and_clears_an_old_override(editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    article.publish(by=editor, override_reason="Papers not online yet.")
    article.return_to_draft(by=editor)
    FigureFactory(article=article, text="£4.2 million", value=4200000, unit="GBP")
    article.publish(by=editor)
    article.refresh_from_db()
    assert article.sourcing_override_reason == ""
    assert article.sourcing_override_by is None
    assert article.history.filter(sourcing_override_reason="Papers not online yet.").exists()


# --- Through the admin ----------------------------------------------------------------------------


def test_save_and_publish_with_problems_keeps_the_edits_but_not_live(editor_client) -> None:
    article = ArticleFactory()
    data = change_form_data(editor_client, article, body=UNSOURCED_BODY, _publish="1")
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    html = response.content.decode()
    assert "Not published: the sourcing check found 1 problem" in html
    assert "not recorded as a figure" in html
    article.refresh_from_db()
    assert article.body == UNSOURCED_BODY
    assert article.status == Article.Status.DRAFT


def test_an_editor_publishes_anyway_through_the_admin_with_a_reason(editor_client, editor) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    data = change_form_data(
        editor_client,
        article,
        _publish="1",
        publish_anyway_reason="Figure read out at the council meeting; minutes follow.",
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_live()
    assert article.sourcing_override_by == editor
    assert article.sourcing_override_reason.startswith("Figure read out")
    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert "Figure read out at the council meeting" in history.content.decode()
    page = editor_client.get(change_url(article)).content.decode()
    assert "Published despite the sourcing check by Eddie Editor" in page


def test_a_reason_without_the_publish_button_changes_nothing(editor_client) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    data = change_form_data(editor_client, article, publish_anyway_reason="Just because.")
    editor_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.sourcing_override_reason == ""


def test_a_writer_posting_publish_with_a_reason_is_refused(writer_client, writer) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY, created_by=writer)
    data = change_form_data(writer_client, article, _publish="1", publish_anyway_reason="Trust me.")
    response = writer_client.post(change_url(article), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.sourcing_override_reason == ""


def test_the_publish_now_action_skips_stories_with_problems(editor_client) -> None:
    clean = ArticleFactory()
    unsourced = ArticleFactory(body=UNSOURCED_BODY, headline="Wall repair approved")
    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [clean.pk, unsourced.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Published 1 story." in html
    assert "Wall repair approved" in html and "not recorded as a figure" in html
    clean.refresh_from_db()
    unsourced.refresh_from_db()
    assert clean.is_live()
    assert unsourced.status == Article.Status.DRAFT


def test_a_sourced_story_publishes_from_the_admin_without_a_reason(editor_client) -> None:
    article = ArticleFactory(body=UNSOURCED_BODY)
    FigureFactory(
        article=article, text="£4.2 million", value=4200000, unit="GBP", source=SourceFactory()
    )
    data = change_form_data(editor_client, article, _publish="1")
    editor_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.is_live()
    assert article.sourcing_override_reason == ""
