from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import ensure_periodic_task


def forwards(apps: Any, schema_editor: Any) -> None:
    ensure_periodic_task(
        apps,
        name="Remind groups of rounds closing",
        task="funding.tasks.send_round_closing_reminders",
        crontab={"minute": "0", "hour": "9", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Daily at 09:00: groups with unsubmitted applications hear once when their round closes within 3 days.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0004_attachment"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
