"""The demo outlet loads, publishes what it should, and loads again without duplicating."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Correction, Section

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_again_without_duplicates(monkeypatch, tmp_path, settings):
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "harbour-demo-pass")
    call_command("load_demo", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    counts = (Section.objects.count(), Author.objects.count(), Article.objects.count())
    call_command("load_demo", stdout=open(tmp_path / "out2", "w"))  # noqa: SIM115

    assert (Section.objects.count(), Author.objects.count(), Article.objects.count()) == counts
    assert counts[0] == 3
    assert counts[1] == 4
    assert counts[2] >= 12
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    assert Correction.objects.count() >= 1
    assert all(a.lead_image and a.lead_image_renditions for a in Article.objects.all())
    months = {a.publication_month for a in Article.objects.published()}
    assert len(months) >= 3
    for username in ("editor", "writer", "moderator"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password("harbour-demo-pass")
    assert "Sign in at /admin/" in (tmp_path / "out").read_text()
