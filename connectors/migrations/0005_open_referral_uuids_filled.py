from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import fill_uuids


def fill(apps: Any, schema_editor: Any) -> None:
    fill_uuids(apps, "connectors", "Place", "uuid")
    fill_uuids(apps, "connectors", "Activity", "uuid", "service_at_location_uuid")


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0004_open_referral_uuids_added"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
