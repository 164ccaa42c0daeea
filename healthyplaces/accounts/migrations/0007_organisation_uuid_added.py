# Adding a unique UUID field to rows that exist is three migrations (Django's documented way): the
# field nullable, then a distinct value for each row, then unique. PostgreSQL will not alter a
# table in the same transaction as updates to its rows, hence three files rather than one.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_data_retention_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
    ]
