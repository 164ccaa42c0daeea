from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import ensure_periodic_task, grant_role_permissions


def forwards(apps: Any, schema_editor: Any) -> None:
    grant_role_permissions(
        apps,
        schema_editor,
        {
            "Programme admin": [
                "notifications.view_notification",
                "notifications.view_digestsubscription",
                "notifications.change_digestsubscription",
            ]
        },
    )
    ensure_periodic_task(
        apps,
        name="Send progress digests",
        task="healthyplaces.notifications.tasks.send_progress_digests",
        crontab={"minute": "0", "hour": "8", "day_of_week": "1", "day_of_month": "*", "month_of_year": "*"},
        description="Weekly on Monday at 08:00 (monthly subscribers get the first Monday's).",
    )
    ensure_periodic_task(
        apps,
        name="Send unsent notifications",
        task="healthyplaces.notifications.tasks.send_unsent_notifications",
        every_seconds=300,
        description="Queues again anything the broker never got or a dead worker left half-sent.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
