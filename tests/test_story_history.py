"""A history editors can read: each version says who, when and what changed in words; any two
versions compare word by word with the body as readers see it; figures, quotes, sources and
corrections are part of the versions; a revert keeps every address and warns of what was
recorded after the version it restores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRedirect
from tests.admin_forms import story_post_data
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    FigureFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
    published_article,
)
from tests.test_history_revert import revert

pytestmark = pytest.mark.django_db


def history_url(article: Article, **query: object) -> str:
    url = reverse("admin:articles_article_history", args=[article.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def ids(article: Article) -> list[int]:
    """History ids, oldest first."""
    return list(article.history.order_by("history_date").values_list("history_id", flat=True))


def figure_rows(figure, **changes: object) -> dict[str, object]:
    """The figures inline of the story form with this one figure, as a browser posts it."""
    values = {
        "id": figure.pk,
        "article": figure.article_id,
        "text": figure.text,
        "value": figure.value,
        "unit": figure.unit,
        "counts": figure.counts,
        "as_of": "",
        "source": figure.source_id or "",
        "metric": "",
        **changes,
    }
    return {
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "1",
        **{f"figures-0-{name}": value for name, value in values.items()},
    }


def save_through_form(client: Client, article: Article, **changes: object) -> None:
    article.refresh_from_db()
    data = story_post_data(article.section, article, **changes)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def story(editor):
    story = ArticleFactory(
        headline="Quay wall repairs begin",
        body="<p>Work on the <strong>east</strong> quay starts on Monday.</p>"
        "<p>The council set aside money for it.</p>",
        section=SectionFactory(name="Harbour", slug="harbour"),
    )
    story.body = (
        "<p>Work on the <strong>west</strong> quay starts on Tuesday.</p>"
        "<p>The council set aside money for it.</p>"
    )
    story._history_user = editor
    story.save()
    return story


def test_the_body_is_compared_word_by_word_as_readers_see_it(editor_client, story):
    first, second = ids(story)

    html = editor_client.get(history_url(story, **{"from": first, "to": second})).content.decode()

    assert "<del>east</del><ins>west</ins>" in html
    assert "<del>Monday.</del><ins>Tuesday.</ins>" in html
    assert "&lt;p&gt;" not in html and "&lt;strong&gt;" not in html
    assert "2 words added, 2 words removed" in html


def test_any_two_versions_can_be_compared(editor_client, editor, story):
    story.headline = "Quay wall repairs begin next week"
    story._history_user = editor
    story.save()
    first, _, third = ids(story)

    html = editor_client.get(history_url(story, **{"from": third, "to": first})).content.decode()

    assert "Version 1" in html and "version 3" in html  # oldest first whichever way picked
    assert "Quay wall repairs begin<ins> next week</ins>" in html
    assert "<del>east</del><ins>west</ins>" in html


def test_each_entry_says_who_when_and_what_changed_in_words(editor_client, editor, story):
    story.body += "<p>It will cost £38,000.</p>"  # a number not yet recorded as a figure
    story.save()
    story.publish(by=editor, override_reason="Council confirmed the dates by phone.")

    response = editor_client.get(history_url(story))
    html = response.content.decode()

    assert "Eddie Editor" in html
    when = timezone.localtime(story.history.first().history_date)
    assert f"{when:%-d %b %Y}, {when:%H:%M}" in html
    assert "Body: 2 words added, 2 words removed" in html
    assert "Status: Draft → Published" in html
    assert (
        "Reason for publishing despite the sourcing check: none → "
        "“Council confirmed the dates by phone.”" in html
    )
    assert "SOURCING_OVERRIDE_REASON" not in html and "sourcing_override_reason" not in html
    assert "Updated at" not in html
    for version in response.context["versions"]:
        assert version.summary or version.record.history_change_reason


def test_saving_the_form_logs_no_change_of_the_publication_time(editor_client, editor, story):
    story.publish(by=editor, override_reason="Checked.")
    published = Article.objects.get(pk=story.pk).published_at

    save_through_form(editor_client, story)
    save_through_form(editor_client, story, headline="Quay wall repairs begin on Tuesday")

    story.refresh_from_db()
    assert story.published_at == published
    assert story.published_at.microsecond == 0
    response = editor_client.get(history_url(story))
    summaries = [line for v in response.context["versions"] for line in v.summary]
    assert not any(line.startswith("Publication time") for line in summaries[:2])
    assert "Saved with nothing changed" in response.content.decode()


def test_figures_quotes_sources_and_corrections_are_part_of_each_version(editor_client, story):
    before = ids(story)[-1]
    figure = FigureFactory(article=story, text="£38,000", counts="Cost of the repairs")
    QuoteFactory(article=story, text="We have waited years for this.")
    story.source_links.create(source=SourceFactory(title="Council budget 2026"))
    CorrectionFactory(article=story, text="The work starts on Tuesday, not Monday.")
    save_through_form(editor_client, story, headline="Quay wall repairs begin on Tuesday")
    with_rows = ids(story)[-1]
    save_through_form(editor_client, story, **figure_rows(figure, text="£39,500"))
    changed = ids(story)[-1]

    added = editor_client.get(history_url(story, **{"from": before, "to": with_rows}))
    html = added.content.decode()
    assert "Figure added:" in html and "£38,000 — Cost of the repairs" in html
    assert "Quote added:" in html and "We have waited years for this." in html
    assert "Source added:" in html and "Council budget 2026" in html
    assert "Correction added:" in html and "not Monday" in html

    html = editor_client.get(history_url(story, **{"from": with_rows, "to": changed})).content
    assert "Figure changed:" in html.decode()
    assert "<del>£38,000</del><ins>£39,500</ins>" in html.decode()

    figure.refresh_from_db()
    save_through_form(editor_client, story, **figure_rows(figure, DELETE="on"))
    assert not story.figures.exists()
    html = editor_client.get(history_url(story)).content.decode()
    assert "Figure removed: £39,500" in html


def test_a_choice_that_is_not_a_version_is_a_message_not_an_error(editor_client, story):
    for query in ({"from": "x", "to": 1}, {"from": 999999, "to": ids(story)[0]}):
        response = editor_client.get(history_url(story, **query))
        assert response.status_code == 200
        assert "Choose two versions of this story to compare." in response.content.decode()
    same = ids(story)[0]
    response = editor_client.get(history_url(story, **{"from": same, "to": same}))
    assert "Choose two different versions" in response.content.decode()


def test_who_may_read_a_history(writer_client, moderator_client, editor_client):
    live = published_article(headline="Lighthouse gets a new lamp")
    draft = ArticleFactory(headline="Embargoed: lighthouse to close")
    assert editor_client.get(history_url(draft)).status_code == 200
    assert moderator_client.get(history_url(live)).status_code == 200
    assert moderator_client.get(history_url(draft)).status_code == 403
    assert writer_client.get(history_url(live)).status_code == 403
    assert (
        editor_client.get(reverse("admin:articles_article_history", args=[987654])).status_code
        == 404
    )


def test_reverting_a_live_story_keeps_every_address_it_had(editor_client, editor):
    story = published_article(
        headline="Ferry fares rise",
        slug="ferry-fares-rise",
        at=timezone.now() - dt.timedelta(days=1),
    )
    original = story.history.order_by("history_date").last().history_id  # the live version
    first_path = story.get_absolute_url()
    story.slug = "ferry-fares-rise-again"
    story.save()
    between_path = story.get_absolute_url()
    story.slug = "ferry-fares-to-rise-in-may"
    story.save()
    last_path = story.get_absolute_url()

    assert revert(editor_client, story, original) == 302

    story.refresh_from_db()
    assert story.slug == "ferry-fares-rise" and story.is_live()
    reader = Client()
    assert reader.get(first_path).status_code == 200
    for old in (between_path, last_path):
        response = reader.get(old)
        assert response.status_code == 301, old
        assert response["Location"].endswith(first_path)
    assert set(ArticleRedirect.objects.values_list("old_path", flat=True)) == {
        between_path,
        last_path,
    }


def test_revert_warns_of_corrections_and_figures_recorded_after_the_version(editor_client, story):
    old_version = ids(story)[0]
    CorrectionFactory(article=story, text="The repairs cost £39,500, not £38,000.")
    FigureFactory(article=story, text="£39,500", counts="Cost of the repairs")
    save_through_form(editor_client, story)

    page = editor_client.get(
        reverse("admin:articles_article_simple_history", args=[story.pk, old_version])
    ).content.decode()

    assert "Recorded after this version" in page
    assert "The repairs cost £39,500, not £38,000." in page
    assert "£39,500 — Cost of the repairs" in page

    latest = ids(story)[-1]
    page = editor_client.get(
        reverse("admin:articles_article_simple_history", args=[story.pk, latest])
    ).content.decode()
    assert "Recorded after this version" not in page


def _grow_history(story: Article, editor, saves: int) -> None:
    for n in range(saves):
        story.body = f"<p>Update number {n}: the quay is {n} metres longer.</p>"
        story._history_user = editor
        story.save()
        FigureFactory(article=story, text=f"{n}", counts="Metres built")
        CorrectionFactory(article=story, text=f"Correction number {n}.")


@pytest.mark.parametrize("saves", [3, 30])
def test_the_history_page_runs_the_same_queries_for_3_or_30_versions(
    editor_client, editor, story, saves, django_assert_num_queries
):
    _grow_history(story, editor, saves)
    editor_client.get(history_url(story))  # warm the session and content types
    first, last = ids(story)[0], ids(story)[-1]
    with django_assert_num_queries(12):
        response = editor_client.get(history_url(story, **{"from": first, "to": last}))
    assert response.status_code == 200
    assert len(response.context["versions"]) == saves + 2
