from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import all_permissions_of, grant_role_permissions

READERS = ["board.view_dashboard", "board.view_boardsnapshot"]


def forwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(
        apps,
        schema_editor,
        {
            # Programme admins also freeze snapshots and load deprivation deciles.
            "Programme admin": all_permissions_of(apps, "board"),
            "Council officer": READERS,
            "Board member": READERS,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
