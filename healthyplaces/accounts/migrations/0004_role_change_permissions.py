from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    # Programme admins grant roles, so they read the log of who granted what.
    grant_role_permissions(apps, schema_editor, {"Programme admin": ["accounts.view_rolechange"]})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_role_change_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
