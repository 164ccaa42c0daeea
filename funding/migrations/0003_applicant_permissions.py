from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    # Community group members apply (for their own organisations only: funding.selectors scopes it).
    grant_role_permissions(
        apps,
        schema_editor,
        {"Community group member": ["funding.add_application", "funding.view_application"]},
    )
    # Applying is what marks an applicant, so programme admins, who manage applications, do not
    # hold it (0002 gave them every funding permission).
    group = apps.get_model("auth", "Group").objects.get(name="Programme admin")
    group.permissions.remove(*group.permissions.filter(content_type__app_label="funding", codename="add_application"))


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_role_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
