"""Who may see the board's pages: board members, officers and programme admins read them;
programme admins freeze snapshots and load deprivation figures (roles get these permissions in
the migrations)."""

from healthyplaces.accounts.models import User


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and user.has_perm("board.view_dashboard")


def can_freeze_snapshot(user: User) -> bool:
    return user.is_authenticated and user.has_perm("board.freeze_snapshot")


def can_load_deprivation(user: User) -> bool:
    return user.is_authenticated and user.has_perm("board.load_deprivation")
