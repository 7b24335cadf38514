"""Sources, figures and quotes in the story admin: inlines, autocomplete, record this figure."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.test import Client

from articles.models import Article, ArticleSource, Figure, Quote
from newsroom.roles import EDITORS, MODERATORS, ROLE_PERMISSIONS, WRITERS
from tests.factories import (
    ArticleFactory,
    FigureFactory,
    MetricFactory,
    PersonFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def _field_data(prefix: str, form: forms.BaseForm) -> dict:
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field.widget, forms.MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{key}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[key] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
        elif value is None or value is False:
            data[key] = ""
        else:
            data[key] = str(value)
    return data


def change_form_data(
    client: Client, article: Article, params: dict | None = None, **overrides: object
) -> dict:
    """What the browser would post back for `article`'s change page, with `overrides`.

    Extra rows the server pre-filled (record this figure) are posted as a browser would."""
    response = client.get(change_url(article), params or {})
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = _field_data("", form)
    data["tags"] = ", ".join(t.name for t in article.tags.all())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_data("", formset.management_form))
        # The blank extra rows are left out, as a browser user would leave them empty.
        forms_sent = [*formset.initial_forms, *(f for f in formset.extra_forms if f.initial)]
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(forms_sent))
        for subform in forms_sent:
            data.update(_field_data(formset.prefix, subform))
    for key, value in overrides.items():
        data[key] = value
    return data


def add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{start + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


# --- Roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [WRITERS, EDITORS, MODERATORS])
def test_each_role_has_exactly_the_article_permissions_in_the_table(group: str) -> None:
    granted = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="articles")
        .values_list("codename", flat=True)
    )
    assert granted == set(ROLE_PERMISSIONS["articles"][group])


# --- Inlines --------------------------------------------------------------------------------------


def test_the_story_page_offers_sources_figures_and_quotes_inline(editor_client) -> None:
    article = ArticleFactory()
    response = editor_client.get(change_url(article))
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    assert {"source_links", "figures", "quotes"} <= set(prefixes)
    html = response.content.decode()
    assert "Sourcing check" in html
    assert 'name="publish_anyway_reason"' in html


def test_an_editor_records_a_figure_and_a_quote_inline(editor_client) -> None:
    article = ArticleFactory(body="<p>The harbour has 42 boats.</p>")
    source = SourceFactory()
    person = PersonFactory()
    metric = MetricFactory()
    data = change_form_data(editor_client, article)
    add_rows(
        data,
        "figures",
        [
            {
                "text": "42",
                "value": "42",
                "unit": "boats",
                "counts": "Boats moored in the harbour",
                "source": source.pk,
                "metric": metric.pk,
            }
        ],
    )
    add_rows(
        data,
        "quotes",
        [{"person": person.pk, "text": "We are full.", "role": "harbour master", "source": ""}],
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    figure = Figure.objects.get(article=article)
    assert (figure.value, figure.source, figure.metric) == (Decimal("42"), source, metric)
    assert Quote.objects.get(article=article).person == person


def test_a_writer_adds_a_source_by_hand_to_their_own_story(writer_client, writer) -> None:
    article = ArticleFactory(created_by=writer)
    briefing = SourceFactory(url="", title="Coastguard briefing")
    data = add_rows(
        change_form_data(writer_client, article), "source_links", [{"source": briefing.pk}]
    )
    response = writer_client.post(change_url(article), data)
    assert response.status_code == 302
    link = ArticleSource.objects.get(article=article)
    assert (link.source, link.origin) == (briefing, ArticleSource.Origin.HAND)


def test_the_writer_does_not_see_the_publish_anyway_field(writer_client, writer) -> None:
    article = ArticleFactory(created_by=writer)
    html = writer_client.get(change_url(article)).content.decode()
    assert "Sourcing check" in html
    assert 'name="publish_anyway_reason"' not in html


def test_moderators_may_read_sources_but_not_change_them(moderator_client) -> None:
    source = SourceFactory()
    assert moderator_client.get(f"/admin/articles/source/{source.pk}/change/").status_code == 200
    response = moderator_client.post(
        f"/admin/articles/source/{source.pk}/change/", {"title": "Changed", "kind": "other"}
    )
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title != "Changed"


def test_writers_cannot_edit_figures_from_the_figure_list(writer_client) -> None:
    figure = FigureFactory()
    response = writer_client.post(
        f"/admin/articles/figure/{figure.pk}/change/",
        {"text": "43", "value": "43", "article": figure.article.pk},
    )
    assert response.status_code == 403
    figure.refresh_from_db()
    assert figure.text == "42"


# --- Autocomplete ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "field", "make", "term"),
    [
        ("figure", "source", lambda: SourceFactory(title="Seal survey 2024"), "seal"),
        ("figure", "metric", lambda: MetricFactory(name="Grey seals counted"), "grey"),
        ("quote", "person", lambda: PersonFactory(name="Hana Brightwater"), "bright"),
        ("quote", "source", lambda: SourceFactory(publisher="Ellery Estuary Trust"), "estuary"),
        ("articlesource", "source", lambda: SourceFactory(url="https://trust.example/x"), "trust"),
    ],
)
def test_inline_autocomplete_finds_people_sources_and_metrics(
    writer_client, model_name, field, make, term
) -> None:
    target = make()
    response = writer_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "articles", "model_name": model_name, "field_name": field},
    )
    assert response.status_code == 200
    ids = [row["id"] for row in json.loads(response.content)["results"]]
    assert ids == [str(target.pk)]


# --- Record this figure ---------------------------------------------------------------------------


def test_the_page_lists_unrecorded_figures_with_a_record_link(editor_client) -> None:
    article = ArticleFactory(body="<p>The repair costs £4.2 million and 42 boats must move.</p>")
    FigureFactory(article=article, text="42", value=Decimal(42), unit="boats")
    html = editor_client.get(change_url(article)).content.decode()
    assert "Record this figure" in html
    assert 'data-text="£4.2 million" data-value="4200000" data-unit="GBP"' in html
    assert 'data-text="42"' not in html  # already recorded
    assert "js/record-figure.js" in html


def test_following_record_this_figure_prefills_a_new_figure_row(editor_client) -> None:
    article = ArticleFactory(body="<p>The repair costs £4.2 million and 42 boats must move.</p>")
    text = "The repair costs £4.2 million and 42 boats must move."
    start = text.index("£4.2")
    response = editor_client.get(
        change_url(article), {"record_figure": f"{start}-{start + len('£4.2 million')}"}
    )
    (figures,) = [
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "figures"
    ]
    (row,) = figures.extra_forms
    assert row.initial == {"text": "£4.2 million", "value": Decimal("4200000"), "unit": "GBP"}
    assert 'value="£4.2 million"' in response.content.decode()


def test_a_prefilled_figure_saves_once_the_editor_adds_a_source(editor_client) -> None:
    article = ArticleFactory(body="<p>The harbour has 42 boats.</p>")
    source = SourceFactory()
    data = change_form_data(
        editor_client,
        article,
        params={"record_figure": "16-18"},
        **{"figures-0-source": str(source.pk), "figures-0-counts": "Boats in the harbour"},
    )
    assert (data["figures-0-text"], data["figures-0-unit"]) == ("42", "boats")
    editor_client.post(change_url(article), data)
    figure = Figure.objects.get(article=article)
    assert (figure.text, figure.value, figure.unit, figure.source) == ("42", 42, "boats", source)
    html = editor_client.get(change_url(article)).content.decode()
    assert "Record this figure" not in html
    assert "None: every figure and quote has a source" in html


def test_a_stale_or_forged_record_link_prefills_nothing(editor_client) -> None:
    article = ArticleFactory(body="<p>The harbour has 42 boats.</p>")
    response = editor_client.get(change_url(article), {"record_figure": ["0-3", "x"]})
    (figures,) = [
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "figures"
    ]
    assert all(not form.initial for form in figures.extra_forms)
