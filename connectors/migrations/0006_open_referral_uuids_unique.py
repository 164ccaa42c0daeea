import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0005_open_referral_uuids_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="place", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AlterField(
            model_name="activity", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AlterField(
            model_name="activity",
            name="service_at_location_uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
