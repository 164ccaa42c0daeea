from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Seed fund"

    def ready(self) -> None:
        # Registers the seed fund's section of the progress digest and the start-up checks of the
        # 360Giving settings.
        from funding import checks, digest  # noqa: F401
        from funding.models import Attachment
        from healthyplaces.core.private_files import delete_private_files_with

        # However a document's row goes (removed, erased, past retention), its file goes from the store.
        delete_private_files_with(Attachment)
