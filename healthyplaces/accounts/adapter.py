from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from healthyplaces.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Community groups register themselves; staff accounts are made by a programme admin.
        return True


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff who must use a second factor cannot switch off their only one; they may replace it
        # by generating new recovery codes, or a programme admin removes it in the admin site.
        user: User = authenticator.user
        if authenticator.type == Authenticator.Type.TOTP and user.must_use_mfa:
            return False
        return bool(super().can_delete_authenticator(authenticator))
