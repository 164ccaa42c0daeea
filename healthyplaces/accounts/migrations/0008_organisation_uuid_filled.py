from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import fill_uuids


def fill(apps: Any, schema_editor: Any) -> None:
    fill_uuids(apps, "accounts", "Organisation", "uuid")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_organisation_uuid_added"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
