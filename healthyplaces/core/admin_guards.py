"""The admin site keeps the rules the portal's services keep. Each app's admin.py says, per model,
what the admin may do and why (a comment above each registration); this module holds the one
mechanism for refusing to delete a record that must outlive a mistake."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

_M = TypeVar("_M", bound=models.Model)


class GuardedDeleteAdmin(admin.ModelAdmin[_M]):
    """Deletion is refused for any object deletion_refused() gives a reason for. The delete button,
    the object's delete page and the bulk "Delete selected" action all ask it: Django refuses a bulk
    delete when anything is listed as protected, and the reasons are listed there."""

    def deletion_refused(self, obj: _M) -> str | None:
        return None

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        if obj is not None and self.deletion_refused(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs: Iterable[_M], request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        objs = list(objs)
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [f"{obj}: {reason}" for obj in objs if (reason := self.deletion_refused(obj))]
        if refused:
            # Django's collector asks has_delete_permission of each object too, and would report the
            # refusal as a missing permission; the reasons say more. (Without the permission itself
            # the admin never gets this far.)
            perms_needed = set(perms_needed) - {str(self.model._meta.verbose_name)}
        return deletable, counts, perms_needed, [*refused, *protected]
