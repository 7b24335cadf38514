"""The demo outlet loads, publishes what it should, and loads again without duplicating."""

import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Correction, Metric, Person, Section, Source
from newsroom.demo import content
from newsroom.models import SupportCampaign

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
    assert all(
        a.lead_image and a.lead_image.renditions and a.lead_image.crops
        for a in Article.objects.all()
    )
    months = {a.publication_month for a in Article.objects.published()}
    assert len(months) >= 3
    for username in ("editor", "writer", "moderator"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password("harbour-demo-pass")
    assert "Sign in at /admin/" in (tmp_path / "out").read_text()


@pytest.mark.parametrize(
    ("damaged", "line", "field"),
    [
        ("stories/05-new-primary-school-opens.toml", "headline = ", "`headline`"),
        (
            "stories/05-new-primary-school-opens.toml",
            'counts = "Places at the school when full"',
            "`figures[1].counts`",
        ),
        (
            "outlet.toml",
            'publisher = "Port Ellery Council Works Department"',
            "`sources.works-survey.publisher`",
        ),
    ],
)
def test_a_demo_file_missing_a_field_stops_the_load_naming_both_and_writes_nothing(
    damaged, line, field, monkeypatch, tmp_path, settings
):
    copy = tmp_path / "demo"
    shutil.copytree(content.DEMO_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = copy / damaged
    kept = [row for row in path.read_text().splitlines() if not row.startswith(line)]
    assert len(kept) == len(path.read_text().splitlines()) - 1
    path.write_text("\n".join(kept) + "\n")
    monkeypatch.setattr(content, "DEMO_DIR", copy)
    # Without a password in the environment the command would save one under BASE_DIR/var.
    monkeypatch.delenv("NEWSROOM_DEMO_PASSWORD", raising=False)
    settings.BASE_DIR = tmp_path

    with pytest.raises(CommandError) as failure:
        call_command("load_demo", stdout=StringIO())

    assert str(path) in str(failure.value)
    assert f"required field {field} is missing" in str(failure.value)
    for model in (Section, Author, Article, Source, Person, Metric, SupportCampaign):
        assert not model.objects.exists(), model
    assert not get_user_model().objects.exists()
    assert not (tmp_path / "var").exists()
    assert not (tmp_path / "media").exists()


def test_the_demo_offers_its_newsletters_and_the_box_signs_readers_up_to_the_daily(
    monkeypatch, tmp_path, client
):
    from newsletter.models import Newsletter

    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "harbour-demo-pass")
    call_command("load_demo", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open(tmp_path / "out2", "w"))  # noqa: SIM115

    lists = list(Newsletter.objects.values_list("name", "frequency", "in_signup_box"))
    assert lists == [
        ("The Morning Tide", "daily", True),
        ("The Week on the Water", "weekly", False),
    ]
    page = client.get("/newsletter/").content.decode()
    assert "The Morning Tide" in page
    assert "The Week on the Water" in page


def test_the_demo_leaves_an_editors_own_lists_alone(monkeypatch, tmp_path):
    from newsletter.models import Newsletter

    Newsletter.objects.create(name="Council Watch", slug="council-watch", in_signup_box=True)
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", "harbour-demo-pass")
    call_command("load_demo", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115

    assert list(Newsletter.objects.values_list("name", flat=True)) == ["Council Watch"]
