"""People and organisations in the admin site. What each model allows, and why, is said above its
registration. The models other packages register are decided here too:

- auth.Group: roles come from migrations (healthyplaces.accounts.roles); see its own admin.
- account.EmailAddress (allauth): kept editable; a programme admin corrects a mistyped address or
  confirms one by hand, and the portal has no service for either.
- mfa.Authenticator (allauth): a programme admin removes a lost phone's authenticator here so its
  owner can set up a new one (README); allauth's admin lets nothing else be changed.
- django_celery_beat's schedules: edited here by design (README, "Emails and schedules").
"""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from healthyplaces.accounts.models import Organisation, PersonalDataExport, RoleChange, User
from healthyplaces.accounts.reauthentication import sensitive_operation
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import (
    organisation_add_member,
    organisation_remove_member,
    organisation_save,
    user_set_roles,
    user_unlock_sign_in,
)


# User: roles change only through user_set_roles (logged in the role-change log), and is_staff
# follows the role, so it is read-only. A person is never deleted here: "Erase this person's
# personal data" (person_erase) removes what identifies them everywhere and keeps the records their
# work is part of. Nobody sets another person's password: they would then know it, and the owner
# would not; the person uses "Forgot your password?". Admins change their own after giving it again.
@admin.register(User)
# Adding a user or changing one (their roles) is a sensitive operation.
@method_decorator(sensitive_operation(), name="add_view")
@method_decorator(sensitive_operation(), name="change_view")
@method_decorator(sensitive_operation(), name="_own_password_change")
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

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if str(request.user.pk) != str(id):
            messages.error(
                request,
                "You cannot set another person's password. Ask them to use "
                '"Forgot your password?" on the sign-in page.',
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[id]))
        return self._own_password_change(request, id, form_url)

    def _own_password_change(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response: HttpResponse = super().user_change_password(request, id, form_url)
        return response

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


# Organisation: edited here through organisation_save (the registration conventions); its members are
# added and removed through the accounts services. Applications and fund contributions protect it from
# deletion.
@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "type", "charity_number", "company_number", "ward")
    list_filter = ("type",)
    search_fields = ("name", "charity_number", "company_number")
    filter_horizontal = ("members",)

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        organisation_save(organisation=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        wanted = form.cleaned_data.pop("members", None)
        super().save_related(request, form, formsets, change)
        if wanted is None:
            return
        organisation: Organisation = form.instance
        current = set(organisation.members.all())
        for user in set(wanted) - current:
            organisation_add_member(organisation=organisation, user=user)
        for user in current - set(wanted):
            organisation_remove_member(organisation=organisation, user=user)


class ReadOnlyAdminMixin:
    """Shown in the admin site, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Group: roles and their permissions come from the apps' migrations, reviewed with the code.
@admin.register(Group)
class RoleAdmin(ReadOnlyAdminMixin, BaseGroupAdmin):
    """Roles and their permissions come from the apps' migrations, reviewed with the code: a permission
    added here would give everyone in a role new powers with no entry in the role-change log."""


# The audit logs: written by what they record, never added, changed or deleted here.
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
