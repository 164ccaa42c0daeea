from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action tracker"

    def ready(self) -> None:
        # Registers the tracker's section of the progress digest.
        from actions import digest  # noqa: F401
