"""A correction that names the figure or quote it fixes: before and after kept, shown at the
fact and in the note, the chart on the corrected value, the story's structured data updated."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Correction
from tests.factories import (
    ArticleFactory,
    FigureFactory,
    MetricFactory,
    QuoteFactory,
    SourceFactory,
)
from tests.test_provenance_admin import add_rows, change_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    article = ArticleFactory(body="<p>The count found 2,500 seals on the sandbanks.</p>")
    FigureFactory(article=article, text="2,500", value=2500, unit="seals", source=FIRST_COUNT())
    article.publish(by=None, at=timezone.now() - dt.timedelta(days=2))
    return article


def FIRST_COUNT():
    return SourceFactory(title="First count")


def json_ld(html: str) -> dict:
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(raw)
    return data[0] if isinstance(data, list) else data


def test_correcting_a_figure_keeps_before_and_after_and_fixes_the_body(story, editor):
    figure = story.figures.get()
    old_source, new_source = figure.source, SourceFactory(title="Recount")
    modified = story.last_modified()
    correction = Correction.correct(
        figure,
        text="2,300",
        value=Decimal(2300),
        source=new_source,
        note="We gave the wrong seal count.",
        by=editor,
    )
    figure.refresh_from_db()
    story.refresh_from_db()
    assert (figure.text, figure.value, figure.source) == ("2,300", 2300, new_source)
    assert "found 2,300 seals" in story.body
    assert (correction.before_text, correction.after_text) == ("2,500", "2,300")
    assert (correction.before_value, correction.after_value) == (2500, 2300)
    assert (correction.before_source, correction.after_source) == (old_source, new_source)
    assert story.last_modified() > modified
    assert story.history.first().history_change_reason == "Corrected “2,500” to “2,300”"


def test_readers_see_the_correction_at_the_fact_in_the_note_and_in_json_ld(story, editor):
    figure = story.figures.get()
    before = json_ld(Client().get(story.get_absolute_url()).content.decode())["dateModified"]
    Correction.correct(figure, text="2,300", value=Decimal(2300), note="Wrong count.", by=editor)
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "Corrected" in html and "we first printed 2,500" in html
    assert "We first printed “2,500”; it now reads “2,300”." in html
    data = json_ld(html)
    (comment,) = data["correction"]
    assert comment["@type"] == "CorrectionComment"
    assert "“2,500”" in comment["text"] and "“2,300”" in comment["text"]
    assert data["dateModified"] > before


def test_the_metric_chart_uses_the_corrected_value(story, editor):
    metric = MetricFactory(name="Seals on the sandbanks", slug="seals-sandbanks")
    figure = story.figures.get()
    figure.metric = metric
    figure.save()
    Correction.correct(figure, text="2,300", value=Decimal(2300), note="Wrong count.", by=editor)
    html = Client().get(metric.get_absolute_url()).content.decode()
    assert "2,300" in html and "2,500" not in html


def test_correcting_a_quote_keeps_the_words_before(story, editor):
    quote = QuoteFactory(article=story, text="We counted every seal twice")
    Correction.correct(quote, text="We counted most seals twice", note="Misquoted.", by=editor)
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "we first quoted “We counted every seal twice”" in html


def test_a_correction_through_the_admin_records_the_figure_before_and_after(editor_client, story):
    figure = story.figures.get()
    data = change_form_data(editor_client, story, body="<p>The count found 2,300 seals.</p>")
    data["figures-0-text"], data["figures-0-value"] = "2,300", "2300"
    add_rows(
        data,
        "corrections",
        [{"kind": "correction", "text": "We gave the wrong count.", "figure": str(figure.pk),
          "created_at_0": timezone.localdate().isoformat(), "created_at_1": "10:00:00"}],
    )  # fmt: skip
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    correction = Correction.objects.get(article=story)
    assert (correction.figure, correction.before_text, correction.after_text) == (
        figure,
        "2,500",
        "2,300",
    )
    assert (correction.before_value, correction.after_value) == (2500, 2300)
