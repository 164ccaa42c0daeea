from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Community insights"

    def ready(self) -> None:
        # Registers the insights section of the progress digest.
        from insights import digest  # noqa: F401
