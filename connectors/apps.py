from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = "Community connector network"

    def ready(self) -> None:
        # Registers the network's section of the progress digest.
        from connectors import digest  # noqa: F401
