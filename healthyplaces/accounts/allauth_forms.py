"""allauth's forms with GOV.UK-style error messages. Kept apart from forms.py, which allauth
imports while building its own forms (ACCOUNT_SIGNUP_FORM_CLASS)."""

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from healthyplaces.accounts.services import sign_in_attempt_release, sign_in_attempt_reserve


class SpecificErrorsMixin:
    """allauth's fields say "This field is required."; GOV.UK asks for an error that says what to do."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        for name, message in self.required_messages.items():
            if name in fields:
                fields[name].error_messages["required"] = message


class LoginForm(SpecificErrorsMixin, allauth_forms.LoginForm):
    required_messages = {"login": "Enter your email address", "password": "Enter your password"}


class SignupForm(SpecificErrorsMixin, allauth_forms.SignupForm):
    required_messages = {
        "email": "Enter your email address",
        "password1": "Enter a password",
        "password2": "Enter the password again",
    }

    def try_save(self, request: HttpRequest) -> Any:
        if self.account_already_exists:
            # A new account costs one password hash; a registered address costs the same, thrown
            # away, so the time sign-up takes does not say which it was (AccountAdapter.send_mail
            # does the same for the email each one sends).
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def clean_oldpassword(self) -> str:
        """Checked as reauthentication checks it (allauth's adapter.reauthenticate), not with
        check_password alone: a locked address gets no more tries here, and a wrong one counts
        toward its lockout and the client's rate limit, as at sign-in."""
        password = self.cleaned_data.get("oldpassword", "")
        if not get_account_adapter().reauthenticate(self.user, password):
            raise get_account_adapter().validation_error("enter_current_password")
        return str(password)


class ResetPasswordForm(SpecificErrorsMixin, allauth_forms.ResetPasswordForm):
    required_messages = {"email": "Enter your email address"}


class ResetPasswordKeyForm(SpecificErrorsMixin, allauth_forms.ResetPasswordKeyForm):
    required_messages = {"password1": "Enter a new password", "password2": "Enter the new password again"}


class LockoutCheckMixin:
    """A wrong authenticator code counts toward the same lockout as a wrong password, reserved in the
    same statement that asks whether the address is locked (services.sign_in_attempt_reserve, as
    AccountAdapter.pre_authenticate does for passwords), so a locked address gets no more tries at a
    code than at a password, however many arrive at once; a right code gives its try back."""

    user: Any

    def clean_code(self) -> str:
        if not sign_in_attempt_reserve(email=self.user.email):
            raise get_account_adapter().validation_error("too_many_login_attempts")
        code = str(super().clean_code())  # type: ignore[misc]
        sign_in_attempt_release(email=self.user.email)
        return code


class MFAAuthenticateForm(LockoutCheckMixin, mfa_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(LockoutCheckMixin, mfa_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """Setting up an authenticator app takes a code from it, so the session has just used the second
    factor: recorded as allauth records a code typed at sign-in (StaffMFAMiddleware looks for it, and
    also for the app itself, so the record counts only if the set-up it belongs to was saved)."""

    def clean_code(self) -> str:
        code = str(super().clean_code())
        record_authentication(context.request, self.user, "mfa", type="totp", activated=True)
        return code
