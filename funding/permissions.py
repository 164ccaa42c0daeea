from healthyplaces.accounts.models import User


def can_manage_applications(user: User) -> bool:
    """Officers and programme admins: eligibility, assessment, decisions, payments."""
    return user.is_authenticated and user.has_perm("funding.manage_applications")


def can_apply(user: User) -> bool:
    """Community group members, through the permission their role carries."""
    return user.is_authenticated and user.has_perm("funding.add_application")


def can_assess(user: User) -> bool:
    """Assessors score the applications officers assign to them, and no others."""
    return user.is_authenticated and user.has_perm("funding.assess_application")
