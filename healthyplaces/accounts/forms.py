from django import forms
from django.http import HttpRequest

from healthyplaces.accounts.models import User
from healthyplaces.accounts.services import user_register_community_member


class SignupDetailsForm(forms.Form):
    """Extra fields allauth adds to its sign-up form."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user_register_community_member(user=user, full_name=self.cleaned_data["full_name"])
