from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "healthyplaces.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Every connection reports its writes, so cached reads know when they are stale.
        from healthyplaces.core import checks  # noqa: F401 - registers the system checks
        from healthyplaces.core.generations import connect

        connect()
