"""A gift's amount is below what its column holds (SQLite does not enforce max_digits)."""

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0013_outlet_roles")]

    operations = [
        migrations.AddConstraint(
            model_name="gift",
            constraint=models.CheckConstraint(
                condition=models.Q(amount__lt=Decimal("10000000000")),
                name="gift_amount_fits",
                violation_error_message="A gift must be less than 10,000,000,000.",
            ),
        ),
    ]
