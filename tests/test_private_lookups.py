"""A field a role may not see cannot be asked about through the admin's URL either.

Django's changelist filters on any local field named in the query string; each narrowing of
the list would answer a question about the hidden value (`?donor_email__startswith=r`). For
whoever may not see the field, the admin answers such a URL with a 400 and shows no rows, and
its search skips the field; whoever may see it filters as before.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.admin.private_fields import PrivateFieldsAdmin
from comments.models import Flag
from newsroom.admin import may_see_donor_email
from newsroom.models import Gift
from tests.factories import CommentFactory, GiftFactory, SourceFactory, SupportCampaignFactory

pytestmark = pytest.mark.django_db

GIFTS = "admin:newsroom_gift_changelist"


@pytest.fixture
def gifts():
    campaign = SupportCampaignFactory(title="Lifeboat station appeal", raised=0)
    return [
        GiftFactory(
            campaign=campaign,
            amount=Decimal("40"),
            donor_name="Tamsin Hocking",
            donor_email="tamsin@example.test",
        ),
        GiftFactory(
            campaign=campaign,
            amount=Decimal("15"),
            donor_name="Jory Penhale",
            donor_email="jory@example.test",
        ),
    ]


def shown(response) -> set[str]:
    """The donors (or titles) the changelist shows."""
    return {str(row) for row in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "lookup",
    [
        "donor_email__startswith=tamsin",
        "donor_email__iexact=tamsin@example.test",
        "donor_email__regex=^t.m",
        "donor_email=tamsin@example.test",
        "donor_email__isnull=False",
    ],
)
def test_an_editor_cannot_filter_gifts_by_the_donors_address(editor_client, gifts, lookup):
    response = editor_client.get(reverse(GIFTS) + "?" + lookup)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tamsin Hocking" not in html
    assert "Jory Penhale" not in html


def test_whoever_may_see_addresses_still_filters_by_them(editor, editor_client, gifts):
    editor.user_permissions.add(Permission.objects.get(codename="see_email_gift"))

    response = editor_client.get(reverse(GIFTS) + "?donor_email__startswith=tamsin")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Tamsin Hocking" in response.content.decode()
    assert "Jory Penhale" not in response.content.decode()


def test_an_editors_search_does_not_reach_the_address(editor_client, gifts):
    response = editor_client.get(reverse(GIFTS) + "?q=tamsin@example.test")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_the_campaign_list_cannot_be_filtered_by_its_donors_addresses(editor_client, gifts):
    url = reverse("admin:newsroom_supportcampaign_changelist")
    response = editor_client.get(url + "?gifts__donor_email__startswith=tamsin")
    assert response.status_code == 400
    assert "Lifeboat station appeal" not in response.content.decode()


@pytest.fixture
def sources():
    return [
        SourceFactory(title="Pilotage accounts 2025", notes="From R. Nancarrow at the quay"),
        SourceFactory(title="Dredging survey", notes=""),
    ]


@pytest.mark.parametrize("role", ["writer_client", "moderator_client"])
def test_only_editors_filter_sources_by_their_private_notes(request, role, editor_client, sources):
    url = reverse("admin:articles_source_changelist") + "?notes__icontains=nancarrow"

    response = request.getfixturevalue(role).get(url)
    assert response.status_code == 400
    assert "Pilotage accounts 2025" not in response.content.decode()

    searched = request.getfixturevalue(role).get(
        reverse("admin:articles_source_changelist") + "?q=nancarrow"
    )
    assert searched.status_code == 200
    assert searched.context["cl"].result_count == 0

    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("role", ["editor_client", "moderator_client"])
def test_nobody_finds_flags_by_the_flaggers_address(request, role):
    commenter = CommentFactory(ip_hash="a" * 64)
    flagged = CommentFactory()
    Flag.objects.create(comment=flagged, reason=Flag.Reason.SPAM, ip_hash=commenter.ip_hash)
    Flag.objects.create(comment=flagged, reason=Flag.Reason.ABUSE, ip_hash="b" * 64)
    client = request.getfixturevalue(role)
    url = reverse("admin:comments_flag_changelist")

    assert client.get(url).context["cl"].result_count == 2
    response = client.get(url + f"?ip_hash={commenter.ip_hash}")
    assert response.status_code == 400
    assert "Spam or advertising" not in response.content.decode()


def test_a_private_field_leaves_the_columns_filters_and_search_of_who_may_not_see_it(rf, editor):
    class Probe(PrivateFieldsAdmin):
        private_fields = {"donor_email": may_see_donor_email}
        list_display = ["donor_name", "donor_email"]
        list_filter = [("donor_email", admin.EmptyFieldListFilter), "source"]
        search_fields = ["donor_name", "=donor_email"]
        fields = ["donor_name", "donor_email", "note"]

    probe = Probe(Gift, admin.site)
    request = rf.get("/")
    request.user = editor

    assert probe.get_list_display(request) == ["donor_name"]
    assert probe.get_list_filter(request) == ["source"]
    assert probe.get_search_fields(request) == ["donor_name"]
    assert probe.get_fields(request) == ["donor_name", "note"]
    assert not probe.lookup_allowed("donor_email__regex", "^t", request)
    assert not probe.lookup_allowed("donor_email", "x")  # no request: nobody's

    editor.user_permissions.add(Permission.objects.get(codename="see_email_gift"))
    request.user = type(editor).objects.get(pk=editor.pk)  # permissions are cached per object
    assert probe.get_list_display(request) == ["donor_name", "donor_email"]
    assert len(probe.get_list_filter(request)) == 2
    assert probe.lookup_allowed("donor_email__regex", "^t", request)
