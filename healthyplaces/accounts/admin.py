from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from healthyplaces.accounts.services import user_set_roles, user_unlock_sign_in


@admin.register(User)
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
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)
    actions = ("unlock_sign_in",)

    @admin.action(description="Unlock sign-in (forget wrong passwords)")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_unlock_sign_in(request=request, actor=cast(User, request.user), user=user)
        messages.success(request, f"{len(queryset)} account(s) can sign in again.")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        names = form.instance.groups.values_list("name", flat=True)
        roles = [Role(name) for name in names if name in Role._value2member_map_]
        # The admin site only lets signed-in staff this far.
        user_set_roles(actor=cast(User, request.user), user=form.instance, roles=roles)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "type", "charity_number", "company_number")
    list_filter = ("type",)
    search_fields = ("name", "charity_number", "company_number")
    filter_horizontal = ("members",)
