from django.apps import AppConfig


class InsightsConfig(AppConfig):
    verbose_name = "Community insights"
    name = "insights"
