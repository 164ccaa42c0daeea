"""Helpers for data migrations: the permissions each role is given, and fresh UUIDs for a new
unique UUID field on existing rows."""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import uuid4

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps: Any) -> None:
    """Permissions are normally created after all migrations run; make them now so a fresh
    database gets its roles in one `migrate`."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_role_permissions(apps: Any, schema_editor: Any, grants: Mapping[str, Sequence[str]]) -> None:
    """grants maps a role's group name to "app_label.codename" permissions to add to it."""
    ensure_permissions(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, perms in grants.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(permission_model.objects.get(content_type__app_label=app_label, codename=codename))


def all_permissions_of(apps: Any, *app_labels: str) -> list[str]:
    ensure_permissions(apps)
    permission_model = apps.get_model("auth", "Permission")
    return [
        f"{p.content_type.app_label}.{p.codename}"
        for p in permission_model.objects.filter(content_type__app_label__in=app_labels).select_related("content_type")
    ]


def ensure_periodic_task(
    apps: Any,
    *,
    name: str,
    task: str,
    crontab: Mapping[str, str] | None = None,
    every_seconds: int | None = None,
    description: str = "",
) -> None:
    """Create a django-celery-beat schedule once. Admins may edit it later; a schedule that exists
    is left as they left it."""
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    if periodic_task.objects.filter(name=name).exists():
        return
    schedule: dict[str, Any] = {}
    if crontab is not None:
        crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
        schedule["crontab"], _ = crontab_model.objects.get_or_create(timezone="Europe/London", **crontab)
    if every_seconds is not None:
        interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
        schedule["interval"], _ = interval_model.objects.get_or_create(every=every_seconds, period="seconds")
    periodic_task.objects.create(name=name, task=task, description=description, **schedule)


def fill_uuids(apps: Any, app_label: str, model_name: str, *field_names: str, batch_size: int = 2_000) -> None:
    """Give every existing row its own UUID in each named field: the middle step of adding a unique
    UUID field (add it nullable, fill it, make it unique). AddField with default=uuid4 alone would
    call uuid4 once and give every existing row the same value."""
    model = apps.get_model(app_label, model_name)
    batch = []
    for row in model.objects.only("pk").order_by("pk").iterator(chunk_size=batch_size):
        for name in field_names:
            setattr(row, name, uuid4())
        batch.append(row)
        if len(batch) == batch_size:
            model.objects.bulk_update(batch, field_names)
            batch = []
    if batch:
        model.objects.bulk_update(batch, field_names)
