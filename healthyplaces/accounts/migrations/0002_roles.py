"""Create the portal's roles as Groups and give the programme admin the accounts and vocabulary
permissions. Each app's own migration adds its permissions to the roles."""

from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import all_permissions_of, grant_role_permissions

ROLES = (
    "Programme admin",
    "Council officer",
    "Board member",
    "Community group member",
    "Community connector",
    "Assessor",
)


def create_roles(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)
    grant_role_permissions(
        apps,
        schema_editor,
        {"Programme admin": all_permissions_of(apps, "accounts", "vocabulary", "auth", "django_celery_beat")},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("vocabulary", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
