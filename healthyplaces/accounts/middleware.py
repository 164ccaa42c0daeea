"""Whoever must use a second factor counts as signed in only once this session has passed it.

allauth records each way a session authenticated (password, authenticator code, ...) in the session
itself (allauth.account.authentication). A session that has not used an authenticator code, however it
got its signed-in user, reaches nothing but the second-factor step and sign-out; someone who has no
authenticator app yet also reaches the pages that set one up."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from healthyplaces.accounts.models import User

# Open to every session: signing out, the sign-in and second-factor steps, and the health checks,
# which have no user to speak of.
ALWAYS_OPEN = frozenset(
    {
        "account_logout",
        "account_login",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "admin:logout",
        "core:healthz",
        "core:livez",
    }
)
# Setting up an authenticator app: allauth asks for the password again before adding one.
SET_UP = frozenset({"mfa_index", "mfa_activate_totp", "account_reauthenticate"})


def passed_second_factor(request: HttpRequest, user: User) -> bool:
    """Whether this session has used an authenticator code (signing in, reauthenticating, or
    setting the app up: healthyplaces.accounts.allauth_forms.ActivateTOTPForm)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        match = request.resolver_match
        if not isinstance(user, User) or match is None or match.view_name in ALWAYS_OPEN:
            return None
        if not user.must_use_mfa:
            return None
        # accounts.backends annotates the signed-in user; ask the database only if something else loaded it.
        has_totp = getattr(user, "has_totp", None)
        if has_totp is None:
            has_totp = is_mfa_enabled(user, [Authenticator.Type.TOTP])
        if has_totp and passed_second_factor(request, user):
            return None
        if has_totp:
            # Signed in some other way than allauth's sign-in with its code step (an old session, or
            # a role given since): the code now, then back to the page asked for.
            step = reverse("mfa_reauthenticate")
            return HttpResponseRedirect(f"{step}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        if match.view_name in SET_UP:
            return None
        messages.warning(request, "Set up an authenticator app before you use the portal: your role needs it.")
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
