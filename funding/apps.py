from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Seed fund"

    def ready(self) -> None:
        # Registers the seed fund's section of the progress digest.
        from funding import digest  # noqa: F401
