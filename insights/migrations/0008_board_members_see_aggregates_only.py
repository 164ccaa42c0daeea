"""Board members see aggregates only (the board dashboard, snapshots and packs): they no longer
open the insights list, an insight or an export. Connectors keep view_insight, which now shows
them the insights they recorded; officers and programme admins read the whole bank."""

from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("auth", "Group")
    for group in group_model.objects.filter(name="Board member"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="insights", codename="view_insight"))


def backwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(apps, schema_editor, {"Board member": ["insights.view_insight"]})


class Migration(migrations.Migration):
    dependencies = [("insights", "0007_merge_grant_report_source_and_places")]

    operations = [migrations.RunPython(forwards, backwards)]
