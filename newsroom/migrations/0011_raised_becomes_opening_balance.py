"""The figure editors typed as "raised" becomes an opening-balance gift, so no money disappears
when the bar starts counting gifts (0012 then drops the field)."""

from decimal import Decimal

from django.db import migrations

NOTE = "What the campaign showed as raised before gifts were recorded in Newsroom."


def raised_to_gifts(apps, schema_editor):
    SupportCampaign = apps.get_model("newsroom", "SupportCampaign")
    Gift = apps.get_model("newsroom", "Gift")
    for campaign in SupportCampaign.objects.filter(raised__gt=0).order_by("pk"):
        Gift.objects.create(
            campaign=campaign,
            amount=campaign.raised,
            currency=campaign.currency,
            received_at=campaign.starts_at,
            source="opening_balance",
            frequency="one_off",
            note=NOTE,
        )


def gifts_to_raised(apps, schema_editor):
    """Back: every gift's money into the typed figure, and the opening balances removed."""
    SupportCampaign = apps.get_model("newsroom", "SupportCampaign")
    Gift = apps.get_model("newsroom", "Gift")
    for campaign in SupportCampaign.objects.order_by("pk"):
        gifts = Gift.objects.filter(campaign=campaign)
        campaign.raised = sum(gifts.values_list("amount", flat=True), Decimal(0))
        campaign.save(update_fields=["raised"])
    Gift.objects.filter(source="opening_balance").delete()


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0010_gifts")]

    operations = [migrations.RunPython(raised_to_gifts, gifts_to_raised)]
