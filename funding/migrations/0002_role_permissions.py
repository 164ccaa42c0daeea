from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import all_permissions_of, grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(
        apps,
        schema_editor,
        {
            # Programme admins set up funds, rounds and priorities in the admin site.
            "Programme admin": all_permissions_of(apps, "funding"),
            "Council officer": [
                "funding.manage_applications",
                "funding.view_application",
                "funding.view_fund",
                "funding.view_round",
                "funding.view_priority",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
