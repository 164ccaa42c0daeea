from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.filters import NotificationFilter
from healthyplaces.notifications.models import DigestSubscription, Notification, default_digest_frequency
from healthyplaces.notifications.permissions import can_view_notification_log


def notification_log(*, user: User, params: Any) -> tuple[NotificationFilter, QuerySet[Notification]]:
    if not can_view_notification_log(user):
        raise PermissionDenied
    notification_filter = NotificationFilter(
        params, queryset=Notification.objects.select_related("recipient").defer("body_text", "body_html")
    )
    return notification_filter, notification_filter.qs


def digest_frequency_for(*, user: User) -> str:
    subscription = DigestSubscription.objects.filter(user=user).first()
    if subscription is not None:
        return subscription.frequency
    return default_digest_frequency(is_board_member=user.has_role(Role.BOARD_MEMBER))
