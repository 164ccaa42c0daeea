from healthyplaces.accounts.models import User


def can_view_insights(user: User) -> bool:
    return user.is_authenticated and user.has_perm("insights.view_insight")


def can_add_insight(user: User) -> bool:
    return user.is_authenticated and user.has_perm("insights.add_insight")


def can_review_insight(user: User) -> bool:
    """Edit, link to actions and set the status: officers and programme admins."""
    return user.is_authenticated and user.has_perm("insights.change_insight")


def can_publish_response(user: User) -> bool:
    return user.is_authenticated and user.has_perm("insights.publish_response")
