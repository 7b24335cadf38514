"""What each role reads and changes through the shared registries: figures, quotes and the
"cited by" lists show only the stories a user may open; a source's private notes are for
editors; a source, person or metric that a live story relies on is changed only by editors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import ArticleAuthor, Person, Source
from tests.factories import (
    ArticleFactory,
    FigureFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
    published_article,
)
from tests.test_provenance_admin import _field_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(writer, editor):
    """A live story, another reporter's embargoed draft and the writer's own draft, each with
    a figure and a quote, sharing one source."""
    source = SourceFactory(
        title="Ministry briefing note",
        notes="Source is J. Doe at the ministry, phone 0100 000 000.",
    )
    live = published_article(headline="Ferry fares rise by 12%")
    secret = ArticleFactory(headline="Investigation: the missing harbour fund")
    own = ArticleFactory(headline="Lifeboat crew trains at night", created_by=writer)
    ArticleAuthor.objects.create(article=own, author=writer.author)
    for story, number in ((live, "12%"), (secret, "£1.4m"), (own, "14 volunteers")):
        FigureFactory(
            article=story, text=number, counts=f"figure of {story.headline}", source=source
        )
        QuoteFactory(article=story, text=f"Said about {story.headline}.", source=source)
        story.source_links.create(source=source, origin="hand")
    return {"live": live, "secret": secret, "own": own, "source": source}


def listed(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("registry", ["figure", "quote"])
def test_a_writer_sees_only_their_own_drafts_rows_in_the_registries(
    registry, newsroom, writer_client
):
    for url in (f"/admin/articles/{registry}/", f"/admin/articles/{registry}/?q=Investigation"):
        page = listed(writer_client, url)
        assert "missing harbour fund" not in page, url
        assert "Ferry fares" not in page, url
    assert "Lifeboat crew trains at night" in listed(writer_client, f"/admin/articles/{registry}/")


@pytest.mark.parametrize("registry", ["figure", "quote"])
def test_a_moderator_sees_only_live_stories_rows_in_the_registries(
    registry, newsroom, moderator_client
):
    page = listed(moderator_client, f"/admin/articles/{registry}/?q=")
    assert "Ferry fares rise by 12%" in page
    assert "missing harbour fund" not in page
    assert "Lifeboat crew" not in page


def test_an_editor_sees_every_row(newsroom, editor_client):
    page = listed(editor_client, "/admin/articles/figure/")
    for headline in ("Ferry fares", "missing harbour fund", "Lifeboat crew"):
        assert headline in page


def test_a_source_s_notes_and_the_drafts_citing_it_are_hidden_from_writers(
    newsroom, writer_client, editor_client
):
    url = reverse("admin:articles_source_change", args=[newsroom["source"].pk])

    page = listed(writer_client, url)
    assert "J. Doe" not in page
    assert "missing harbour fund" not in page
    assert "Lifeboat crew trains at night" in page

    editor_page = listed(editor_client, url)
    assert "J. Doe" in editor_page
    assert "missing harbour fund" in editor_page


def test_a_writer_cannot_change_a_source_a_live_story_cites(newsroom, writer_client):
    source = newsroom["source"]
    url = reverse("admin:articles_source_change", args=[source.pk])
    page = writer_client.get(url)
    data = {**_field_data("", page.context["adminform"].form)}
    data.update(
        title="Ministry briefing (updated)",
        url="https://phishing.example/login",
        **{
            "article_links-TOTAL_FORMS": "0",
            "article_links-INITIAL_FORMS": "0",
        },
    )

    response = writer_client.post(url, data)

    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title == "Ministry briefing note"
    assert source.url.startswith("https://harbour-board.example/")


def test_a_writer_edits_a_source_only_their_draft_cites(writer, writer_client, newsroom):
    source = SourceFactory(title="Lifeboat log, 3 March")
    newsroom["own"].source_links.create(source=source, origin="hand")
    url = reverse("admin:articles_source_change", args=[source.pk])
    form = writer_client.get(url).context["adminform"].form
    data = {**_field_data("", form), "title": "Lifeboat station log, 3 March"}
    data.update({"article_links-TOTAL_FORMS": "1", "article_links-INITIAL_FORMS": "1"})
    link = source.article_links.get()
    data.update({"article_links-0-id": str(link.pk), "article_links-0-source": str(source.pk)})

    response = writer_client.post(url, data)

    assert response.status_code == 302, response.content[:1500]
    assert Source.objects.get(pk=source.pk).title == "Lifeboat station log, 3 March"


def test_a_writer_cannot_rename_a_person_quoted_on_a_live_story(newsroom, writer_client):
    person = newsroom["live"].quotes.get().person
    url = reverse("admin:articles_person_change", args=[person.pk])
    form = writer_client.get(url).context["adminform"].form

    response = writer_client.post(url, {**_field_data("", form), "name": "Someone Else"})

    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).name == person.name


def test_an_editor_renames_a_person_quoted_on_a_live_story(newsroom, editor_client):
    person = newsroom["live"].quotes.get().person
    url = reverse("admin:articles_person_change", args=[person.pk])
    form = editor_client.get(url).context["adminform"].form

    response = editor_client.post(url, {**_field_data("", form), "name": "Ana Quayle"})

    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).name == "Ana Quayle"


def test_a_writer_still_adds_a_person_for_their_draft(writer_client):
    response = writer_client.post(
        reverse("admin:articles_person_add"),
        {"name": "Bryn Tallis", "slug": "bryn-tallis", "description": "Coxswain"},
    )
    assert response.status_code == 302
    assert Person.objects.filter(slug="bryn-tallis").exists()


def test_a_writer_cannot_change_a_source_only_a_scheduled_story_cites(editor, writer_client):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    source = SourceFactory(title="Ferry company filing")
    scheduled = ArticleFactory(headline="Ferry merger: the filing")
    scheduled.source_links.create(source=source, origin="hand")
    scheduled.publish(by=editor, at=timezone.now() + dt.timedelta(days=3), override_reason="ok")
    url = reverse("admin:articles_source_change", args=[source.pk])
    data = {
        "title": "Renamed by a writer",
        "publisher": "Evil",
        "kind": "document",
        "url": "https://evil.example/filing",
        "article_links-TOTAL_FORMS": "0",
        "article_links-INITIAL_FORMS": "0",
    }

    # Not even listed for the writer (the admin says it does not exist), and unchanged.
    assert writer_client.get(url).status_code == 302
    assert writer_client.post(url, data).status_code in {302, 403}
    assert Source.objects.get(pk=source.pk).title == "Ferry company filing"


def test_a_writer_cannot_change_a_person_only_another_writers_draft_quotes(newsroom, writer_client):  # type: ignore[no-untyped-def]
    person = newsroom["secret"].quotes.get().person
    url = reverse("admin:articles_person_change", args=[person.pk])

    response = writer_client.post(url, {"name": "Someone Else", "slug": person.slug})

    assert response.status_code in {302, 403}
    assert Person.objects.get(pk=person.pk).name == person.name


def test_records_only_hidden_stories_use_are_not_listed_or_offered_to_writers(
    newsroom, writer_client, editor_client
):  # type: ignore[no-untyped-def]
    hidden = SourceFactory(title="Leaked memo", url="https://leak.example/memo")
    newsroom["secret"].source_links.create(source=hidden, origin="hand")
    whistle = PersonFactory(name="Secret Whistle", slug="secret-whistle")
    QuoteFactory(article=newsroom["secret"], person=whistle, source=hidden)

    assert "Leaked memo" not in listed(writer_client, "/admin/articles/source/?q=memo")
    assert "Secret Whistle" not in listed(writer_client, "/admin/articles/person/")
    offered = writer_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "figure", "field_name": "source", "term": "memo"},
    ).json()
    assert offered["results"] == []
    assert "Leaked memo" in listed(editor_client, "/admin/articles/source/?q=memo")
    # What the writer's own draft and the live story cite is still theirs to pick.
    assert "Ministry briefing note" in listed(writer_client, "/admin/articles/source/")


def test_tag_suggestions_never_name_a_tag_only_hidden_stories_carry(
    newsroom, writer_client, editor_client
):  # type: ignore[no-untyped-def]
    newsroom["secret"].tags.add("merger-embargo")
    newsroom["live"].tags.add("merger-ferries")
    url = "/admin/articles/article/tag-suggestions/"

    assert writer_client.get(url, {"q": "merger"}).json()["tags"] == ["merger-ferries"]
    assert sorted(editor_client.get(url, {"q": "merger"}).json()["tags"]) == [
        "merger-embargo",
        "merger-ferries",
    ]
