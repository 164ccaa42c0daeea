from typing import Any

from django.db import migrations

from healthyplaces.accounts.migration_utils import ensure_periodic_task, grant_role_permissions

DAILY_AT_NINE = {"minute": "0", "hour": "9", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}


def forwards(apps: Any, schema_editor: Any) -> None:
    # Assessors score only what officers assign them (funding.selectors scopes it); programme
    # admins hold every funding permission already and may assess too.
    grant_role_permissions(
        apps,
        schema_editor,
        {
            "Assessor": ["funding.assess_application", "funding.view_round", "funding.view_fund"],
            "Programme admin": ["funding.assess_application"],
        },
    )
    ensure_periodic_task(
        apps,
        name="Remind grantees of end-of-grant reports",
        task="funding.tasks.send_report_reminders",
        crontab=DAILY_AT_NINE,
        description="Daily at 09:00: grantees hear once a week before their report is due and once when it is overdue.",
    )
    ensure_periodic_task(
        apps,
        name="Remind assessors of outstanding assessments",
        task="funding.tasks.send_assessment_reminders",
        crontab=DAILY_AT_NINE,
        description="Daily at 09:00: assessors with an assessment outstanding for a week hear once a week.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_assessment_payments_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
