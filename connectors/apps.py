from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = "Community connector network"

    def ready(self) -> None:
        # Registers the network's section of the progress digest and its reach-by-ward columns.
        from connectors import digest, reach  # noqa: F401
