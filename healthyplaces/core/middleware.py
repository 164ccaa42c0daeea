"""Headers and limits every response and request gets, in every environment (tests included, so a
page that needs something denied here fails there first)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def permissions_policy(denied: tuple[str, ...]) -> str:
    """Permissions-Policy's syntax for features no origin may use: `camera=(), microphone=()`."""
    return ", ".join(f"{feature}=()" for feature in denied)


# Pages anyone may open without signing in that still show one person's data (their address): the
# one-click unsubscribe page, and allauth's pages reached from an emailed key.
PERSONAL_WITHOUT_SIGNING_IN = frozenset(
    {"notifications:unsubscribe", "account_confirm_email", "account_reset_password_from_key"}
)


class ResponseHeadersMiddleware:
    """Refuses bodies larger than REQUEST_BODY_MAX_BYTES before anything reads them; denies every
    browser feature in PERMISSIONS_POLICY_DENIED; and keeps signed-in pages, and the signed-out pages
    that show someone's address, out of every cache (a shared computer's back button, a proxy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = permissions_policy(settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._too_large(request) or self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if (user is not None and user.is_authenticated) or (
            match is not None and match.view_name in PERSONAL_WITHOUT_SIGNING_IN
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _too_large(self, request: HttpRequest) -> HttpResponse | None:
        # The proxy in front refuses these first (README: "Request size"); this holds without one.
        # Django's own DATA_UPLOAD_MAX_MEMORY_SIZE covers form fields but not uploaded files.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length", status=400, content_type="text/plain")
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return HttpResponse("Request too large", status=413, content_type="text/plain")
        return None
