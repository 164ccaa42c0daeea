from healthyplaces.accounts.models import User


def can_view_notification_log(user: User) -> bool:
    return user.is_authenticated and user.has_perm("notifications.view_notification")
