"""Staff who must use a second factor reach nothing but the account pages until they have one."""

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from healthyplaces.accounts.models import User

# allauth's own pages (sign out, reauthenticate, the MFA set-up and recovery codes, email and
# password) are all named account_* or mfa_*; the health checks have no user to speak of.
EXEMPT_PREFIXES = ("account_", "mfa_")
EXEMPT_VIEWS = frozenset({"core:healthz", "core:livez"})


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
        if not isinstance(user, User) or not user.must_use_mfa or match is None:
            return None
        if (match.url_name or "").startswith(EXEMPT_PREFIXES) or match.view_name in EXEMPT_VIEWS:
            return None
        # accounts.backends annotates the signed-in user; ask the database only if something else loaded it.
        has_totp = getattr(user, "has_totp", None)
        if has_totp is None:
            has_totp = is_mfa_enabled(user, [Authenticator.Type.TOTP])
        if has_totp:
            return None
        messages.warning(request, "Set up an authenticator app before you use the portal: your role needs it.")
        return redirect("mfa_activate_totp")
