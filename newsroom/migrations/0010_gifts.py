"""Gifts to the support campaign, and the Editors' permission to record and export them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_gift_permissions(apps, schema_editor):
    grant(
        apps,
        "newsroom",
        {
            group: [c for c in codenames if c.endswith("_gift")]
            for group, codenames in ROLE_PERMISSIONS["newsroom"].items()
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('newsroom', '0009_media_library_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Gift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, help_text="What was given, in the campaign's currency.", max_digits=12)),
                ('currency', models.CharField(choices=[('GBP', 'Pounds sterling (£)'), ('EUR', 'Euros (€)'), ('USD', 'US dollars ($)')], help_text="Must be the campaign's currency.", max_length=3)),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, help_text='When the money arrived (the payment, the cheque).')),
                ('donor_name', models.CharField(blank=True, help_text='Leave empty for an anonymous gift. Never shown on the site.', max_length=120)),
                ('donor_email', models.EmailField(blank=True, help_text='Where the receipt was sent. Never shown on the site or written to logs.', max_length=254)),
                ('source', models.CharField(choices=[('online', 'Online (Stripe)'), ('cheque', 'Cheque'), ('event', 'At an event'), ('bank_transfer', 'Bank transfer'), ('opening_balance', 'Opening balance')], help_text='Online gifts come from Stripe; the others are recorded by hand.', max_length=20)),
                ('frequency', models.CharField(choices=[('one_off', 'One-off'), ('monthly', 'Monthly')], default='one_off', help_text='Monthly: one payment of a standing gift; each month is a gift of its own.', max_length=10)),
                ('note', models.CharField(blank=True, help_text="For the desk only, e.g. 'Quiz night at the Anchor'.", max_length=200)),
                ('stripe_payment', models.CharField(blank=True, help_text='Online gifts: the Stripe Checkout Session (cs_…) of a one-off gift, or the invoice (in_…) of one monthly payment. Recorded once: a repeated webhook finds it.', max_length=255)),
                ('stripe_subscription', models.CharField(blank=True, help_text='Monthly online gifts: the Stripe subscription (sub_…) the payment is part of.', max_length=255)),
            ],
            options={
                'ordering': ['-received_at', '-pk'],
                'permissions': [('export_gift', 'Can export gifts as CSV'), ('see_email_gift', "Can see donors' e-mail addresses")],
            },
        ),
        migrations.AlterField(
            model_name='supportcampaign',
            name='currency',
            field=models.CharField(choices=[('GBP', 'Pounds sterling (£)'), ('EUR', 'Euros (€)'), ('USD', 'US dollars ($)')], default='GBP', help_text='Shown with the goal and the amount raised; every gift is in this currency.', max_length=3),
        ),
        migrations.AddField(
            model_name='gift',
            name='campaign',
            field=models.ForeignKey(help_text='The appeal this gift counts towards; its bar adds the gift at once.', on_delete=django.db.models.deletion.PROTECT, related_name='gifts', to='newsroom.supportcampaign'),
        ),
        migrations.AddField(
            model_name='gift',
            name='recorded_by',
            field=models.ForeignKey(blank=True, help_text='Who recorded a gift by hand; empty for online gifts.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='gift',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='gift_amount_positive', violation_error_message='A gift must be more than zero.'),
        ),
        migrations.AddConstraint(
            model_name='gift',
            constraint=models.UniqueConstraint(condition=models.Q(('stripe_payment', ''), _negated=True), fields=('stripe_payment',), name='gift_stripe_payment_once', violation_error_message='This Stripe payment is already recorded.'),
        ),
        migrations.AddConstraint(
            model_name='gift',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('source', 'online'), models.Q(('stripe_payment', ''), _negated=True)), models.Q(models.Q(('source', 'online'), _negated=True), ('stripe_payment', ''), ('stripe_subscription', '')), _connector='OR'), name='gift_online_iff_stripe', violation_error_message='Online gifts come from Stripe; a gift recorded by hand has no Stripe ids.'),
        ),
        migrations.RunPython(grant_gift_permissions, migrations.RunPython.noop),
    ]
