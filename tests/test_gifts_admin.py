"""Gifts in the admin: editors record them by hand, see totals per campaign and export CSV;
writers and moderators see none of it; e-mail addresses only for whoever may see them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from newsroom.models import Gift
from tests.factories import GiftFactory, SupportCampaignFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:newsroom_gift_changelist"


@pytest.fixture
def gifts():
    campaign = SupportCampaignFactory(title="Estuary appeal", raised=0)
    return [
        GiftFactory(
            campaign=campaign,
            amount=Decimal("250.00"),
            source="cheque",
            donor_name="Rosalind Trevenna",
            donor_email="rosalind@example.test",
        ),
        GiftFactory(campaign=campaign, amount=Decimal("640"), source="event", note="Quiz night"),
        GiftFactory(
            campaign=campaign,
            amount=Decimal("10"),
            source="online",
            frequency="monthly",
            donor_email="anon@example.test",
            stripe_payment="in_test_9",
            stripe_subscription="sub_test_9",
        ),
        GiftFactory(campaign=campaign, amount=Decimal("5"), donor_name='=HYPERLINK("x")'),
    ]


def export(client, gifts) -> tuple[int, list[list[str]]]:
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": [g.pk for g in gifts]},
    )
    if response.get("Content-Type", "").startswith("text/csv"):
        return response.status_code, list(csv.reader(io.StringIO(response.content.decode())))
    return response.status_code, []


def test_editors_export_the_gifts_as_csv_without_addresses(editor_client, gifts):
    status, rows = export(editor_client, gifts)

    assert status == 200
    assert rows[0] == [
        "Date", "Amount", "Currency", "Donor", "Source", "Frequency", "Campaign", "Note",
    ]  # fmt: skip
    body = {tuple(row[1:]) for row in rows[1:]}
    assert body == {
        ("250.00", "GBP", "Rosalind Trevenna", "Cheque", "One-off", "Estuary appeal", ""),
        ("640.00", "GBP", "Anonymous", "At an event", "One-off", "Estuary appeal", "Quiz night"),
        ("10.00", "GBP", "Anonymous", "Online (Stripe)", "Monthly", "Estuary appeal", ""),
        # A name a spreadsheet would run as a formula stays text.
        ("5.00", "GBP", '\'=HYPERLINK("x")', "Cheque", "One-off", "Estuary appeal", ""),
    }
    assert "example.test" not in str(rows)


def test_whoever_may_see_addresses_gets_them_in_the_export(editor, editor_client, gifts):
    editor.user_permissions.add(Permission.objects.get(codename="see_email_gift"))
    _, rows = export(editor_client, gifts)
    assert rows[0][-1] == "E-mail"
    assert {row[-1] for row in rows[1:]} == {"rosalind@example.test", "anon@example.test", ""}


def test_an_editor_does_not_see_donor_addresses_in_the_admin(editor_client, gifts):
    for url in (
        reverse(CHANGELIST),
        reverse("admin:newsroom_gift_change", args=[gifts[0].pk]),
        reverse("admin:newsroom_gift_change", args=[gifts[2].pk]),
    ):
        html = editor_client.get(url).content.decode()
        assert "example.test" not in html, url


def test_the_list_shows_the_total_of_what_the_filters_show(editor_client, gifts):
    campaign = gifts[0].campaign
    other = SupportCampaignFactory(title="Spring appeal", raised=0)
    GiftFactory(campaign=other, amount=Decimal("999"))

    html = editor_client.get(
        reverse(CHANGELIST) + f"?campaign__id__exact={campaign.pk}"
    ).content.decode()

    assert "Total of the gifts shown:</strong> £905 (4 gifts)" in html
    assert "£999" not in html


def test_the_campaign_list_shows_what_each_raised(editor_client, gifts):
    html = editor_client.get(reverse("admin:newsroom_supportcampaign_changelist")).content.decode()
    assert "£905" in html


def test_an_editor_records_a_cheque_by_hand(editor, editor_client, gifts):
    campaign = gifts[0].campaign
    form = editor_client.get(reverse("admin:newsroom_gift_add")).content.decode()
    assert 'value="online"' not in form  # online gifts come from Stripe only

    response = editor_client.post(
        reverse("admin:newsroom_gift_add"),
        {
            "campaign": campaign.pk,
            "amount": "120.00",
            "currency": "GBP",
            "received_at_0": "2026-11-30",
            "received_at_1": "10:00",
            "source": "cheque",
            "frequency": "one_off",
            "donor_name": "Tamsin Polglase",
            "note": "Posted to the office",
        },
    )

    assert response.status_code == 302
    gift = Gift.objects.get(donor_name="Tamsin Polglase")
    assert (gift.amount, gift.source, gift.recorded_by) == (Decimal("120.00"), "cheque", editor)


def test_a_gift_in_another_currency_than_its_campaign_is_refused(editor_client, gifts):
    response = editor_client.post(
        reverse("admin:newsroom_gift_add"),
        {
            "campaign": gifts[0].campaign.pk,
            "amount": "20",
            "currency": "EUR",
            "received_at_0": "2026-11-30",
            "received_at_1": "10:00",
            "source": "event",
            "frequency": "one_off",
        },
    )
    assert response.status_code == 200
    assert "This campaign raises Pounds sterling (£); record the gift in it." in (
        response.content.decode()
    )
    assert not Gift.objects.filter(currency="EUR").exists()


def test_an_online_gift_is_read_only_and_not_deleted_by_the_desk(editor_client, gifts):
    online = gifts[2]
    html = editor_client.get(reverse("admin:newsroom_gift_change", args=[online.pk])).content
    assert b'name="amount"' not in html
    delete = editor_client.post(
        reverse("admin:newsroom_gift_delete", args=[online.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Gift.objects.filter(pk=online.pk).exists()


@pytest.mark.parametrize("role", ["writer_client", "moderator_client"])
def test_writers_and_moderators_cannot_see_or_export_gifts(request, role, gifts):
    client = request.getfixturevalue(role)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:newsroom_gift_change", args=[gifts[0].pk])).status_code == 403
    status, rows = export(client, gifts)
    assert status == 403
    assert rows == []
    assert "Gifts" not in client.get(reverse("admin:index")).content.decode()


def test_an_editor_without_the_export_permission_has_no_export(editor, editor_client, gifts):
    editor.groups.first().permissions.remove(Permission.objects.get(codename="export_gift"))
    html = editor_client.get(reverse(CHANGELIST)).content.decode()
    assert "export_csv" not in html
    _, rows = export(editor_client, gifts)
    assert rows == []


def test_the_roles_grant_gifts_to_editors_only(writer, editor, moderator):
    assert editor.has_perms(["newsroom.view_gift", "newsroom.add_gift", "newsroom.export_gift"])
    assert not editor.has_perm("newsroom.see_email_gift")
    for user in (writer, moderator):
        assert not user.has_perm("newsroom.view_gift")
        assert not user.has_perm("newsroom.export_gift")
