"""Sensitive operations (role changes, grant money, downloads of personal data) ask for the password
or authenticator code again unless the person gave it in the last few minutes
(ACCOUNT_REAUTHENTICATION_TIMEOUT, allauth's default five). A POST is kept and carried out after."""

from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.http import HttpRequest

View = TypeVar("View", bound=Callable[..., Any])


def sensitive_operation(when: Callable[[HttpRequest], bool] | None = None) -> Callable[[View], View]:
    """when narrows it to some requests to a view (e.g. only the payment step of a workflow)."""

    def enabled(request: HttpRequest) -> bool:
        return bool(settings.REAUTHENTICATE_SENSITIVE_OPERATIONS) and (when is None or when(request))

    decorator: Callable[[View], View] = reauthentication_required(enabled=enabled)
    return decorator
