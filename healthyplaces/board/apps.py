from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "healthyplaces.board"
    label = "board"
    verbose_name = "Board dashboard"

    def ready(self) -> None:
        # Registers the insights and grants columns of reach by ward.
        from healthyplaces.board import selectors  # noqa: F401
