"""allauth's forms with GOV.UK-style error messages. Kept apart from forms.py, which allauth
imports while building its own forms (ACCOUNT_SIGNUP_FORM_CLASS)."""

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


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


class ResetPasswordForm(SpecificErrorsMixin, allauth_forms.ResetPasswordForm):
    required_messages = {"email": "Enter your email address"}


class ResetPasswordKeyForm(SpecificErrorsMixin, allauth_forms.ResetPasswordKeyForm):
    required_messages = {"password1": "Enter a new password", "password2": "Enter the new password again"}
