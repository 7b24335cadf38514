"""The bar's "raised" is the sum of the gifts: cached, and invalidated exactly by a new gift."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from newsroom.models import Gift, SupportCampaign, raised_total
from tests.factories import GiftFactory, SupportCampaignFactory, published_article
from tests.test_exact_invalidation import site, state, urls, warm  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db


def _sums(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"].upper()]


def test_the_bar_shows_the_sum_of_the_gifts(client):
    campaign = SupportCampaignFactory(goal=12000, raised=0)
    GiftFactory(campaign=campaign, amount=Decimal("6450"), source="opening_balance")
    GiftFactory(campaign=campaign, amount=Decimal("640"), source="event")
    GiftFactory(campaign=campaign, amount=Decimal("250.50"), source="cheque")
    story = published_article()

    html = client.get(story.get_absolute_url()).content.decode()

    assert "<strong>£7,340.50</strong> raised of our <strong>£12,000</strong> goal (61%)" in html
    assert 'max="12000.00" value="7340.50"' in html


def test_a_campaign_without_gifts_shows_nothing_raised(client):
    SupportCampaignFactory(goal=5000, raised=0)
    html = client.get("/support/").content.decode()
    assert "<strong>£0</strong> raised" in html
    assert 'value="0.00"' in html


def test_a_new_gift_re_renders_the_pages_with_the_box_and_nothing_else(client, site):  # noqa: F811
    campaign = SupportCampaignFactory(goal=10000, raised=2500)
    pages = urls(site)
    warm(client, *pages.values(), "/support/")

    GiftFactory(campaign=campaign, amount=Decimal("1000"))

    for page in (pages["ferry"], pages["budget"], pages["old"], "/support/"):
        response = client.get(page)
        assert response["X-Page-Cache"] == "miss", page
        assert "<strong>£3,500</strong> raised" in response.content.decode(), page
    # No listing, feed or sitemap carries the box.
    for name in ("front", "harbour", "council", "ferries tag", "feed", "sitemap", "month"):
        assert state(client, pages[name]) == "hit", name


def test_a_gift_to_a_campaign_no_reader_sees_touches_no_page(client, site):  # noqa: F811
    SupportCampaignFactory(title="The running appeal")
    finished = SupportCampaignFactory(
        title="Last winter",
        starts_at=timezone.now() - dt.timedelta(days=90),
        ends_at=timezone.now() - dt.timedelta(days=30),
    )
    pages = urls(site)
    warm(client, pages["ferry"], "/support/")

    GiftFactory(campaign=finished, amount=Decimal("75"))  # a late cheque

    assert state(client, pages["ferry"]) == "hit"
    assert state(client, "/support/") == "hit"
    assert raised_total(finished.pk) == Decimal("2575.00")


def test_a_deleted_gift_leaves_the_total(client):
    campaign = SupportCampaignFactory(goal=10000, raised=0)
    gift = GiftFactory(campaign=campaign, amount=Decimal("400"))
    assert raised_total(campaign.pk) == Decimal("400.00")
    gift.delete()
    assert raised_total(campaign.pk) == Decimal("0.00")
    assert "<strong>£0</strong> raised" in client.get("/support/").content.decode()


def test_a_gift_moved_to_another_campaign_leaves_both_totals_right():
    first = SupportCampaignFactory(raised=0)
    second = SupportCampaignFactory(raised=0, starts_at=timezone.now() - dt.timedelta(days=3))
    gift = GiftFactory(campaign=first, amount=Decimal("90"))
    assert (raised_total(first.pk), raised_total(second.pk)) == (Decimal("90"), Decimal("0"))
    gift.campaign = second
    gift.save()
    assert (raised_total(first.pk), raised_total(second.pk)) == (Decimal("0"), Decimal("90"))


def test_the_total_is_summed_once_per_change_of_the_gifts_not_once_per_page(
    client, django_assert_num_queries
):
    """Staff pages bypass the page cache; each one still reads the total from the cache."""
    campaign = SupportCampaignFactory(goal=10000, raised=1200)
    story = published_article()
    client.cookies["messages"] = ""  # personal: the page is rendered every time

    with CaptureQueriesContext(connection) as first:
        client.get(story.get_absolute_url())
    assert len(_sums(first)) == 1
    counts = set()
    for _ in range(3):
        with CaptureQueriesContext(connection) as later:
            assert "£1,200" in client.get(story.get_absolute_url()).content.decode()
        assert _sums(later) == []
        counts.add(len(later.captured_queries))
    assert len(counts) == 1  # the same every time (the comment count is cached too, in its way)

    GiftFactory(campaign=campaign, amount=Decimal("300"))
    with CaptureQueriesContext(connection) as after_gift:
        assert "£1,500" in client.get(story.get_absolute_url()).content.decode()
    assert len(_sums(after_gift)) == 1


def test_the_support_page_with_the_total_cached_runs_its_budget(client, django_assert_num_queries):
    campaign = SupportCampaignFactory(raised=500)
    raised_total(campaign.pk)
    client.cookies["messages"] = ""  # rendered, not answered from the page cache
    # campaign, navigation, the outlet (tests/test_reader_pages.py's budget): no SUM
    with django_assert_num_queries(3):
        client.get("/support/")


@pytest.mark.django_db(transaction=True)
def test_the_typed_amount_raised_becomes_an_opening_balance_gift():
    """Migrations 0011-0012 on a campaign whose editor had typed £7,340: nothing disappears."""
    executor = MigrationExecutor(connection)
    before = [("newsroom", "0010_gifts")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("newsroom", "SupportCampaign")
    typed = old.objects.create(
        title="Old appeal",
        appeal="Help.",
        goal=12000,
        raised=Decimal("7340.00"),
        currency="EUR",
        donate_url="https://example.test/",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("newsroom"))

    gift = Gift.objects.get(campaign_id=typed.pk)
    assert (gift.amount, gift.currency, gift.source) == (
        Decimal("7340.00"),
        "EUR",
        "opening_balance",
    )
    assert gift.received_at == typed.starts_at
    assert SupportCampaign.objects.get(pk=typed.pk).raised == Decimal("7340.00")


def test_the_scale_is_money_in_the_sites_number_format():
    campaign = SupportCampaignFactory.build(goal=Decimal("12345"), currency="EUR")
    assert campaign.scale == ["€0", "€6,172.50", "€12,345"]
    # Another helper's NEWSROOM_LANGUAGE switches the language; the marks follow its format.
    with translation.override("es"):
        assert campaign.scale == ["€0", "€6\xa0172,50", "€12\xa0345"]  # Django's Spanish
