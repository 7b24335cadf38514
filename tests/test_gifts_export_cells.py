"""Hostile donor names in the gifts CSV: a name is a name in any spreadsheet, wherever the
formula sign hides (after spaces, a newline, a zero-width space, in fullwidth form).

The names go the way an anonymous donor's does: typed into the public gift form, sent to
Stripe as the session's metadata, and back in Stripe's signed webhook."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from articles.spreadsheets import safe_cell
from newsroom.models import Gift
from tests import stripe_fakes
from tests.factories import SupportCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        " =1+1",
        "   @SUM(A1)",
        "\u200b=1+1",  # zero-width space
        "\u3000-1",  # ideographic space
        "\x00=1",
        "＝1+1",  # fullwidth equals sign
        "\n",
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_shown_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Morwenna Pascoe", "", " Ana", "O'Neill", "Jo\n=1+1", "1000", "Trevenna-Hocking"]
)
def test_ordinary_cells_are_left_as_they_are(text):
    assert safe_cell(text) == text


def test_nothing_becomes_an_empty_cell_and_numbers_become_text():
    assert safe_cell(None) == ""
    assert safe_cell(-5) == "'-5"


FORM_NAMES = ["\u200b=1+1", '＝HYPERLINK("https://evil.example")', "Jory\n=cmd|' /C calc'!A0"]
WEBHOOK_NAMES = [" =1+1", "\n=1+1", "\t@SUM(A1)", "  -2+3"]


def test_hostile_names_from_the_gift_form_are_text_in_the_export(
    client, editor_client, stripe_on, stripe_api
):
    campaign = SupportCampaignFactory(title="Harbour wall appeal", raised=0)
    sent_names = []
    for name in FORM_NAMES:
        data = {"frequency": "one_off", "amount": "10", "donor_name": name}
        assert client.post(reverse("support-give"), data).status_code == 303
        sent_names.append(stripe_api.requests[-1]["metadata[donor_name]"][0])
    assert sent_names == FORM_NAMES  # the form keeps what the donor typed
    for number, name in enumerate(sent_names + WEBHOOK_NAMES):
        session = stripe_fakes.paid_session(campaign.pk, session_id=f"cs_test_{number}", name=name)
        body = stripe_fakes.event("checkout.session.completed", session, event_id=f"evt_{number}")
        response = client.post(
            reverse("stripe-webhook"),
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_fakes.signature(body),
        )
        assert response.status_code == 200
    gifts = Gift.objects.order_by("pk")
    assert [g.donor_name for g in gifts] == FORM_NAMES + WEBHOOK_NAMES

    response = editor_client.post(
        reverse("admin:newsroom_gift_changelist"),
        {"action": "export_csv", "_selected_action": [g.pk for g in gifts]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    donors = {row[3] for row in rows[1:]}
    assert len(rows) == 1 + len(FORM_NAMES) + len(WEBHOOK_NAMES)  # a newline stays in its cell
    assert donors == {
        "'\u200b=1+1",
        '\'＝HYPERLINK("https://evil.example")',
        "Jory\n=cmd|' /C calc'!A0",  # starts with a letter: one cell, read as text
        "' =1+1",
        "'\n=1+1",
        "'\t@SUM(A1)",
        "'  -2+3",
    }
