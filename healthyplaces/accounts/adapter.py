import logging
import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest

from healthyplaces.accounts.models import User
from healthyplaces.accounts.services import sign_in_attempt_release, sign_in_attempt_reserve, sign_in_failures_clear
from healthyplaces.core.mail import AUTOMATED_HEADERS
from healthyplaces.notifications.emails import RenderedEmail
from healthyplaces.notifications.services import notification_queue_rendered

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "too_many_login_attempts": (
            "You have entered a wrong password too many times. Try again later, "
            "or ask a programme admin to unlock your account"
        ),
    }

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Every password check (sign-in, reauthentication, changing the password) comes here first.
        The try is counted against the address's lockout before the password is checked, in the one
        statement that asks whether the address is locked (services.sign_in_attempt_reserve), so tries
        arriving together cannot all pass the question; a right password gives it back (authenticate).
        allauth's rate limit (ACCOUNT_RATE_LIMITS: failures per client IP only) then runs as usual."""
        email = str(credentials.get("email") or "")
        if email and not sign_in_attempt_reserve(email=email):
            # The address (never the password) goes in the log, so admins can see whose account is tried.
            logger.warning("Sign-in refused: %s is locked out after repeated failures", email)
            raise self.validation_error("too_many_login_attempts")
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if email:
                # No password was checked, so the reserved try is not a failure.
                sign_in_attempt_release(email=email)
            logger.warning("Sign-in refused: too many failures from %s", self.get_client_ip(request))
            raise

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        # A wrong password stays counted (reserved in pre_authenticate); a right one gives it back.
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        email = credentials.get("email")
        if user is not None and email:
            sign_in_attempt_release(email=str(email))
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth calls this after a successful password reset (proof of the mailbox) to lift the
        # lockout, which here lives in the database rather than in allauth's cache.
        email = credentials.get("email")
        if email:
            sign_in_failures_clear(email=str(email))

    # Sign-up answers a new address and a registered one alike (same page, one password hash, one
    # email): each email is a row in the outbox, sent by the worker, so neither answer waits for the
    # mail server and the time taken tells nobody whether the address has an account.
    OUTBOX_MAILS = frozenset({"account/email/email_confirmation_signup", "account/email/account_already_exists"})

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix not in self.OUTBOX_MAILS:
            super().send_mail(template_prefix, email, context)
            return
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        alternatives = message.alternatives if isinstance(message, EmailMultiAlternatives) else []
        html = next((str(content) for content, mimetype in alternatives if mimetype == "text/html"), "")
        # Both emails go to an account that exists by now: the one just made, or the one registered.
        recipient = User.objects.get(email__iexact=email)
        notification_queue_rendered(
            recipient=recipient,
            kind="account",
            key=f"{template_prefix}:{recipient.pk}:{uuid.uuid4().hex}",
            rendered=RenderedEmail(subject=str(message.subject), text=str(message.body), html=html),
        )

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
