from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import ensure_periodic_task, grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    # Programme admins read the log of who downloaded whose personal data.
    grant_role_permissions(apps, schema_editor, {"Programme admin": ["accounts.view_personaldataexport"]})
    ensure_periodic_task(
        apps,
        name="Apply data retention",
        task="healthyplaces.accounts.tasks.apply_data_retention",
        crontab={"minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Daily: clears the personal fields of finished applications and insights older than "
        "DATA_RETENTION_DAYS.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_personal_data_exports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
