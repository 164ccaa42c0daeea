from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import ensure_periodic_task


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_periodic_task(
        apps,
        name="Send review reminders",
        task="actions.tasks.send_review_reminders",
        crontab={"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Daily at 07:00: reminds lead officers of reviews due within a week or overdue.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_role_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
