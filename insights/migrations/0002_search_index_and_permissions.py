from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import grant_role_permissions

GRANTS = {
    "Programme admin": [
        "insights.view_insight",
        "insights.add_insight",
        "insights.change_insight",
        "insights.delete_insight",
        "insights.publish_response",
    ],
    "Council officer": [
        "insights.view_insight",
        "insights.add_insight",
        "insights.change_insight",
        "insights.publish_response",
    ],
    # Connectors bring insights in and can read the bank; officers review and respond.
    "Community connector": ["insights.view_insight", "insights.add_insight"],
    "Board member": ["insights.view_insight"],
}


def forwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(apps, schema_editor, GRANTS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX insights_insight_search_gin ON insights_insight USING gin (search_vector)")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS insights_insight_search_gin")


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
