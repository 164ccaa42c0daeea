"""Who may do what in the connector network. Roles carry the permissions (see
migrations/0002_role_permissions.py); mentoring pairs are seen by their two members too."""

from connectors.models import MentoringPair
from healthyplaces.accounts.models import User


def can_view_network(user: User) -> bool:
    """Places and coverage by ward: connectors, officers, programme admins and board members."""
    return user.is_authenticated and user.has_perm("connectors.view_place")


def can_add_place(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.add_place")


def can_change_place(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.change_place")


def can_view_connectors(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.view_connector")


def can_manage_connectors(user: User) -> bool:
    """Add and change connectors, and see their training and DBS check dates: officers and admins."""
    return user.is_authenticated and user.has_perm("connectors.change_connector")


def can_view_conversations(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.view_conversation")


def can_record_conversation(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.add_conversation")


def can_record_for_any_connector(user: User) -> bool:
    """Officers record for connectors who do not sign in; a connector records their own."""
    return can_manage_connectors(user)


def can_view_forum(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.view_forummeeting")


def can_record_forum_meeting(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.add_forummeeting")


def can_manage_forum_members(user: User) -> bool:
    return user.is_authenticated and user.has_perm("connectors.add_forummember")


def can_manage_mentoring(user: User) -> bool:
    """Programme admins see every pair and set pairs up; everyone else sees only their own."""
    return user.is_authenticated and user.has_perm("connectors.manage_mentoring")


def is_in_pair(user: User, pair: MentoringPair) -> bool:
    return user.is_authenticated and user.pk in (pair.statutory_leader_id, pair.vcse_leader_id)
