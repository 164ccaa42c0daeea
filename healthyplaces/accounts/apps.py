from typing import Any

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

        from allauth.mfa.signals import authentication_failed

        authentication_failed.connect(count_wrong_code, dispatch_uid="healthyplaces.accounts.lockout")


def count_wrong_code(sender: Any, user: Any, **kwargs: Any) -> None:
    """A wrong authenticator code (signing in or reauthenticating) counts toward the address's
    lockout, as a wrong password does (AccountAdapter.authentication_failed)."""
    from healthyplaces.accounts.services import sign_in_failure_record

    sign_in_failure_record(email=user.email)
