"""Who manages the newsletter: editors do; writers and moderators see nothing of it, above
all not the subscribers' addresses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from newsroom.roles import EDITORS, MODERATORS, ROLE_PERMISSIONS, WRITERS
from tests.newsletters import confirmed_readers, morning_tide

pytestmark = pytest.mark.django_db

SUBSCRIBERS = reverse("admin:newsletter_subscriber_changelist")


def test_the_groups_hold_what_the_roles_table_says():
    editors = set(
        Group.objects.get(name=EDITORS)
        .permissions.filter(content_type__app_label="newsletter")
        .values_list("codename", flat=True)
    )
    assert editors == set(ROLE_PERMISSIONS["newsletter"][EDITORS])
    assert "add_subscriber" not in editors
    for name in (WRITERS, MODERATORS):
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(content_type__app_label="newsletter").exists()


def test_an_editor_sees_the_subscribers(editor_client):
    confirmed_readers(morning_tide(), 1)
    page = editor_client.get(SUBSCRIBERS)
    assert page.status_code == 200
    assert "reader0@harbour.example" in page.content.decode()


@pytest.mark.parametrize("role", ["writer_client", "moderator_client", "nobody_client"])
def test_writers_and_moderators_cannot_see_subscribers(role, request):
    confirmed_readers(morning_tide(), 1)
    client = request.getfixturevalue(role)
    assert client.get(SUBSCRIBERS).status_code == 403
    subscriber_page = reverse("admin:newsletter_subscriber_change", args=[1])
    assert client.get(subscriber_page).status_code in {302, 403}
    index = client.get(reverse("admin:index")).content.decode()
    assert "reader0@harbour.example" not in index
    assert "Subscribers" not in index
    search = client.get(SUBSCRIBERS + "?q=reader0").content.decode()
    assert "reader0@harbour.example" not in search


def test_the_public_pages_never_show_an_address(client):
    confirmed_readers(morning_tide(), 1)
    for path in ["/", reverse("newsletter:page"), reverse("newsletter:check_inbox")]:
        assert "reader0@harbour.example" not in client.get(path).content.decode()
