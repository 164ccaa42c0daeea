import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.http import HttpRequest

from healthyplaces.accounts.models import User
from healthyplaces.core.mail import AUTOMATED_HEADERS

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "too_many_login_attempts": (
            "You have entered a wrong password too many times. Try again later, "
            "or ask a programme admin to unlock your account"
        ),
    }

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # The address (never the password) goes in the log, so admins can see whose account is tried.
            logger.warning("Sign-in refused: %s is locked out after repeated failures", credentials.get("email"))
            raise

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        # Verification and password-reset emails are automated too (the notifications carry the same).
        message: EmailMessage = super().render_mail(
            template_prefix, email, context, {**AUTOMATED_HEADERS, **(headers or {})}
        )
        return message

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
