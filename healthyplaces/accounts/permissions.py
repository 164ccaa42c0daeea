from healthyplaces.accounts.models import User


def can_view_role_changes(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_rolechange")


def can_erase_people(user: User) -> bool:
    return user.is_authenticated and user.has_perm("accounts.view_personaldataexport")
