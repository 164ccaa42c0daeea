from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "healthyplaces.core"
    label = "core"
    verbose_name = "Portal"
