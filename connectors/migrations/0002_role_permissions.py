from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import all_permissions_of, grant_role_permissions

RECORD = [
    "connectors.view_place",
    "connectors.add_place",
    "connectors.view_connector",
    "connectors.view_conversation",
    "connectors.add_conversation",
    "connectors.view_forummeeting",
    "connectors.add_forummeeting",
    "connectors.view_forummember",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(
        apps,
        schema_editor,
        {
            "Programme admin": all_permissions_of(apps, "connectors"),
            # Officers run the network: connectors, places, conversations, the forum's records.
            "Council officer": [
                *RECORD,
                "connectors.change_place",
                "connectors.add_connector",
                "connectors.change_connector",
                "connectors.change_conversation",
                "connectors.add_forummember",
                "connectors.change_forummember",
                "connectors.view_activity",
                "connectors.add_activity",
                "connectors.change_activity",
            ],
            # Connectors record what they hear and the forum they lead, and may add a place they
            # found; changing a place others rely on stays with officers.
            "Community connector": RECORD,
            # The board reads where the network reaches, never who said what.
            "Board member": ["connectors.view_place"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("connectors", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
