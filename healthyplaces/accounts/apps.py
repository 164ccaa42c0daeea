from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "healthyplaces.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        # Permissions are cached under a generation held in the database, so a cache restored from
        # an old snapshot cannot give back a role that was taken away.
        from healthyplaces.accounts.backends import PERMISSION_TABLES, PERMISSIONS_GENERATION
        from healthyplaces.core.generations import move_durably

        move_durably(PERMISSIONS_GENERATION, tables=PERMISSION_TABLES)
