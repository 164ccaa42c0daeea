from django.db.models import Q, QuerySet

from healthyplaces.accounts.models import User


def can_view_role_changes(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_rolechange")


def can_erase_people(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_personaldataexport")


# Officers and programme admins work with exact small counts (reviewing the insights bank, running
# the connector network); everyone else sees counts through the small-numbers rule
# (healthyplaces.core.disclosure). Held as the permission to review insights, which exactly those
# roles have.
EXACT_COUNTS_PERMISSION = "insights.change_insight"


def sees_exact_counts(user: User) -> bool:
    return user.is_authenticated and user.has_perm(EXACT_COUNTS_PERMISSION)


def people_seeing_exact_counts() -> QuerySet[User]:
    """Everyone sees_exact_counts() is true for, in one query (for a batch such as the digests)."""
    app_label, codename = EXACT_COUNTS_PERMISSION.split(".")
    granted = {"content_type__app_label": app_label, "codename": codename}
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(**{f"groups__permissions__{key}": value for key, value in granted.items()})
            | Q(**{f"user_permissions__{key}": value for key, value in granted.items()})
        )
        .distinct()
    )
