from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a developer's machine. It sits above every app, like the dashboard."""

    name = "healthyplaces.demo"
    label = "demo"
