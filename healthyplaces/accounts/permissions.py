from healthyplaces.accounts.models import User


def can_view_role_changes(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_rolechange")


def can_erase_people(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_personaldataexport")


def sees_exact_counts(user: User) -> bool:
    """Officers and programme admins work with exact small counts (reviewing the insights bank,
    running the connector network); everyone else sees counts through the small-numbers rule
    (healthyplaces.core.disclosure). Held as the permission to review insights, which exactly
    those roles have."""
    return user.is_authenticated and user.has_perm("insights.change_insight")
