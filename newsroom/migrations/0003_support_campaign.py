"""The support campaign, and the Editors' permission to run it."""

import django.utils.timezone
from decimal import Decimal
from django.db import migrations, models

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_campaign_permissions(apps, schema_editor):
    grant(apps, "newsroom", ROLE_PERMISSIONS["newsroom"])


class Migration(migrations.Migration):

    dependencies = [
        ('newsroom', '0002_provenance_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='SupportCampaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text="The widget's heading, e.g. 'Do you like this content?'.", max_length=120)),
                ('appeal', models.TextField(help_text='A short paragraph under the heading asking readers to help; plain text.')),
                ('goal', models.DecimalField(decimal_places=2, help_text='The amount the campaign aims to raise; the progress bar ends here.', max_digits=12)),
                ('raised', models.DecimalField(decimal_places=2, default=Decimal('0'), help_text="Raised so far. Update it from the payment provider's dashboard; readers see exactly this figure.", max_digits=12)),
                ('currency', models.CharField(choices=[('GBP', 'Pounds sterling (£)'), ('EUR', 'Euros (€)'), ('USD', 'US dollars ($)')], default='GBP', help_text='Shown with the goal and the amount raised.', max_length=3)),
                ('donate_url', models.URLField(help_text="The outlet's payment page; the Donate button goes here.", verbose_name='donate link')),
                ('starts_at', models.DateTimeField(default=django.utils.timezone.now, help_text='The widget appears on the site from this time.')),
                ('ends_at', models.DateTimeField(blank=True, help_text='Optional: the widget disappears at this time.', null=True)),
            ],
            options={
                'ordering': ['-starts_at', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('goal__gt', 0)), name='campaign_goal_positive', violation_error_message='The goal must be more than zero.'), models.CheckConstraint(condition=models.Q(('raised__gte', 0)), name='campaign_raised_not_negative', violation_error_message='The amount raised cannot be negative.'), models.CheckConstraint(condition=models.Q(('ends_at__isnull', True), ('ends_at__gt', models.F('starts_at')), _connector='OR'), name='campaign_ends_after_start', violation_error_message='The campaign must end after it starts.')],
            },
        ),
        migrations.RunPython(grant_campaign_permissions, migrations.RunPython.noop),
    ]
