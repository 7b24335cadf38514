"""The amount raised is now the sum of the campaign's gifts (0011 kept what was typed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0011_raised_becomes_opening_balance")]

    operations = [
        migrations.RemoveConstraint(
            model_name="supportcampaign",
            name="campaign_raised_not_negative",
        ),
        migrations.RemoveField(
            model_name="supportcampaign",
            name="raised",
        ),
    ]
