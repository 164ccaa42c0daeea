from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import grant_role_permissions

GRANTS = {
    "Programme admin": [
        "actions.view_action",
        "actions.change_action",
        "actions.update_any_action",
        "actions.view_milestone",
        "actions.add_milestone",
        "actions.change_milestone",
        "actions.delete_milestone",
        "actions.view_actionupdate",
    ],
    # Officers change the actions they lead; the lead check is in actions/permissions.py.
    "Council officer": ["actions.view_action", "actions.change_action", "actions.view_actionupdate"],
    "Board member": ["actions.view_action", "actions.view_actionupdate"],
}


def grant(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(apps, schema_editor, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
