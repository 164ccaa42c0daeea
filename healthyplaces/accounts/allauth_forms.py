"""allauth's forms with GOV.UK-style error messages. Kept apart from forms.py, which allauth
imports while building its own forms (ACCOUNT_SIGNUP_FORM_CLASS)."""

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.base import forms as mfa_forms
from django import forms

from healthyplaces.accounts.selectors import sign_in_is_locked


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


class ResetPasswordForm(SpecificErrorsMixin, allauth_forms.ResetPasswordForm):
    required_messages = {"email": "Enter your email address"}


class ResetPasswordKeyForm(SpecificErrorsMixin, allauth_forms.ResetPasswordKeyForm):
    required_messages = {"password1": "Enter a new password", "password2": "Enter the new password again"}


class LockoutCheckMixin:
    """A wrong authenticator code counts toward the same lockout as a wrong password (see
    accounts.apps: allauth's authentication_failed signal), and a locked address gets no more tries
    at a code than at a password."""

    user: Any

    def clean_code(self) -> str:
        if sign_in_is_locked(email=self.user.email):
            raise get_account_adapter().validation_error("too_many_login_attempts")
        return str(super().clean_code())  # type: ignore[misc]


class MFAAuthenticateForm(LockoutCheckMixin, mfa_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(LockoutCheckMixin, mfa_forms.ReauthenticateForm):
    pass
