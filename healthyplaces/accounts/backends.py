from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import MFA_ROLES


class AuthenticationBackend(AllauthBackend):
    """allauth's sign-in by email. Loading the signed-in user on each request, it also reads whether
    they must use a second factor and have one, so the check on every page costs no extra query."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.annotate(
                in_mfa_role=Exists(Group.objects.filter(user=OuterRef("pk"), name__in=[r.value for r in MFA_ROLES])),
                has_totp=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
