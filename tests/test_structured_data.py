"""Canonical links, Open Graph, Twitter cards and JSON-LD on stories and listings."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from articles.structured_data import (
    absolute_url,
    breadcrumb_json_ld,
    json_ld_script,
    news_article_json_ld,
)
from newsroom.models import format_money
from tests.factories import (
    AuthorFactory,
    CorrectionFactory,
    SupportCampaignFactory,
    add_lead_image,
    published_article,
)

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def _json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no {name} meta tag"
    return match.group(1)


@pytest.fixture
def story():
    author = AuthorFactory(name="Maren Okafor", slug="maren-okafor")
    article = published_article(
        headline="Council approves harbour wall repair",
        standfirst="Work starts in spring.",
        authors=[author],
    )
    article.tags.add("harbour", "council")
    add_lead_image(article)
    CorrectionFactory(article=article, text="The vote was 17 to 4, not 17 to 3.")
    return article


def test_the_news_article_has_every_required_property(story):
    data = news_article_json_ld(story)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Council approves harbour wall repair"
    assert data["description"] == "Work starts in spring."
    assert data["url"] == BASE + story.get_absolute_url()
    assert dt.datetime.fromisoformat(data["datePublished"]) == story.published_at
    assert dt.datetime.fromisoformat(data["dateModified"]) >= story.published_at
    assert data["author"] == [
        {"@type": "Person", "name": "Maren Okafor", "url": BASE + "/author/maren-okafor/"}
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["name"] == "The Harbour Gazette"
    assert publisher["logo"]["@type"] == "ImageObject"
    assert publisher["logo"]["url"].startswith(BASE + "/static/img/logo")
    assert data["articleSection"] == story.section.name
    assert sorted(data["keywords"]) == ["council", "harbour"]
    assert data["image"][0].startswith(BASE + "/media/renditions/")
    (correction,) = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "The vote was 17 to 4, not 17 to 3."


def test_a_story_without_image_or_corrections_leaves_those_out():
    data = news_article_json_ld(published_article())
    assert "image" not in data
    assert "correction" not in data


def test_the_story_page_carries_valid_json_ld_canonical_and_previews(client, story):
    html = client.get(story.get_absolute_url()).content.decode()

    (data,) = _json_ld_blocks(html)
    assert data["headline"] == story.headline
    assert f'<link rel="canonical" href="{BASE}{story.get_absolute_url()}">' in html
    assert _meta(html, "property", "og:title") == story.headline
    assert _meta(html, "property", "og:type") == "article"
    assert _meta(html, "property", "og:url") == BASE + story.get_absolute_url()
    largest = max(story.lead_image.crops["16x9"], key=lambda r: r["width"])
    assert _meta(html, "property", "og:image").endswith(largest["jpeg"])
    assert _meta(html, "name", "twitter:card") == "summary_large_image"
    assert _meta(html, "name", "twitter:image") == _meta(html, "property", "og:image")


def test_json_ld_cannot_break_out_of_its_script_element(client):
    article = published_article(headline="</script><script>alert(1)</script> & more")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    (data,) = _json_ld_blocks(html)
    assert data["headline"] == "</script><script>alert(1)</script> & more"


def test_json_ld_script_escapes_markup_characters():
    script = json_ld_script({"a": "<b>&</b>"})
    escaped = "\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"
    assert script == f'<script type="application/ld+json">{{"a": "{escaped}"}}</script>'


def test_breadcrumbs_number_their_items_from_home():
    data = breadcrumb_json_ld([("Home", "/"), ("Local", "/section/local/")])
    assert data["@type"] == "BreadcrumbList"
    assert data["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": BASE + "/"},
        {"@type": "ListItem", "position": 2, "name": "Local", "item": BASE + "/section/local/"},
    ]


def test_the_section_page_carries_its_breadcrumbs_as_json_ld(client):
    article = published_article()
    html = client.get(article.section.get_absolute_url()).content.decode()
    (data,) = _json_ld_blocks(html)
    assert [item["name"] for item in data["itemListElement"]] == ["Home", article.section.name]


def test_absolute_urls_use_the_configured_site_address(settings):
    settings.SITE_URL = "https://news.example"
    assert absolute_url("/2021/03/x/") == "https://news.example/2021/03/x/"
    assert absolute_url("https://cdn.example/a.jpg") == "https://cdn.example/a.jpg"


def test_a_preview_is_not_indexed_and_has_no_canonical(editor_client):
    from tests.factories import ArticleFactory

    draft = ArticleFactory()
    response = editor_client.get(reverse("articles:preview", kwargs={"pk": draft.pk}))
    html = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html


# --- The support campaign's figures ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("7340"), "GBP", "£7,340"),
        (Decimal("1250.50"), "EUR", "€1,250.50"),
        (Decimal("0"), "USD", "$0"),
    ],
)
def test_money_is_shown_in_the_campaign_currency(amount, currency, expected):
    assert format_money(amount, currency) == expected


@pytest.mark.parametrize(("raised", "percent"), [(0, 0), (2500, 25), (9999, 99), (15000, 100)])
def test_the_progress_bar_runs_from_zero_to_the_goal(raised, percent):
    assert SupportCampaignFactory.build(goal=10000, raised=raised).percent == percent


def test_the_latest_started_running_campaign_is_the_one_shown():
    from django.utils import timezone

    from newsroom.models import SupportCampaign

    now = timezone.now()
    SupportCampaignFactory(title="Older", starts_at=now - dt.timedelta(days=9))
    newer = SupportCampaignFactory(title="Newer", starts_at=now - dt.timedelta(days=1))
    SupportCampaignFactory(title="Not yet", starts_at=now + dt.timedelta(days=1))
    assert SupportCampaign.objects.current() == newer


def test_the_database_refuses_a_campaign_without_a_goal():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportCampaignFactory(goal=0)


def test_editors_may_run_campaigns_and_writers_may_not(editor, writer):
    assert editor.has_perm("newsroom.change_supportcampaign")
    assert not writer.has_perm("newsroom.change_supportcampaign")


def test_editors_can_edit_the_campaign_in_the_admin(editor_client):
    campaign = SupportCampaignFactory()
    url = reverse("admin:newsroom_supportcampaign_change", args=[campaign.pk])
    assert editor_client.get(url).status_code == 200
    assert (
        editor_client.get(reverse("admin:newsroom_supportcampaign_changelist")).status_code == 200
    )
