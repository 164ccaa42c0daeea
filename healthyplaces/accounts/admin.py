from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from healthyplaces.accounts.models import Organisation, PersonalDataExport, RoleChange, User
from healthyplaces.accounts.reauthentication import sensitive_operation
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import organisation_save, user_set_roles, user_unlock_sign_in


@admin.register(User)
# Adding a user or changing one (their roles) is a sensitive operation.
@method_decorator(sensitive_operation(), name="add_view")
@method_decorator(sensitive_operation(), name="change_view")
# django-stubs types UserAdmin for AbstractUser; ours is an AbstractBaseUser with email login.
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        ("Roles", {"fields": ("groups", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    # Roles (groups) are the only permissions given here, and only through user_set_roles, which logs
    # the change and sets is_staff from them; permissions given to one person and superuser status
    # are not on the form at all (a permission beyond the everyday roles' also brings the second factor).
    readonly_fields = ("last_login", "date_joined", "is_staff")
    filter_horizontal = ("groups",)
    actions = ("unlock_sign_in", "erase_person")

    @admin.action(description="Unlock sign-in (forget wrong passwords)")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_unlock_sign_in(request=request, actor=cast(User, request.user), user=user)
        messages.success(request, f"{len(queryset)} account(s) can sign in again.")

    @admin.action(description="Erase this person's personal data (one at a time)")
    def erase_person(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponseRedirect | None:
        if len(queryset) != 1:
            messages.error(request, "Choose one person to erase.")
            return None
        return HttpResponseRedirect(reverse("accounts:person_erase", args=[queryset[0].pk]))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Roles go through user_set_roles alone (it logs the change), not through the form's m2m save.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            roles = [Role(group.name) for group in groups if group.name in Role._value2member_map_]
            # The admin site only lets signed-in staff this far.
            user_set_roles(actor=cast(User, request.user), user=form.instance, roles=roles)


admin.site.unregister(Group)


class ReadOnlyAdminMixin:
    """Shown in the admin site, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Group)
class RoleAdmin(ReadOnlyAdminMixin, BaseGroupAdmin):
    """Roles and their permissions come from the apps' migrations, reviewed with the code: a permission
    added here would give everyone in a role new powers with no entry in the role-change log."""


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "type", "charity_number", "company_number", "ward")
    list_filter = ("type",)
    search_fields = ("name", "charity_number", "company_number")
    filter_horizontal = ("members",)

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        organisation_save(organisation=obj)


class ReadOnlyLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    """An audit log is written by what it records, never edited."""


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyLogAdmin):
    list_display = ("changed_at", "user", "actor", "before", "after")
    list_select_related = ("user", "actor")
    search_fields = ("user__email", "user__full_name", "actor__email")


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(ReadOnlyLogAdmin):
    list_display = ("exported_at", "actor", "subject", "what")
    list_select_related = ("actor", "subject")
    search_fields = ("subject__email", "subject__full_name", "actor__email")
