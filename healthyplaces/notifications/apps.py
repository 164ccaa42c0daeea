from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "healthyplaces.notifications"
    label = "notifications"
    verbose_name = "Notifications"
