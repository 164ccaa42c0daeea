"""System checks for settings the portal itself depends on (Django checks its own)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Links in emails (reminders, digests, one-click unsubscribe with its signed token) are built
    from SITE_URL; over plain HTTP anyone on the path could read or change them."""
    if str(settings.SITE_URL).startswith("https://"):
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}; in production it must be the portal's https:// address.",
            hint="Set the SITE_URL environment variable, e.g. SITE_URL=https://healthyplaces.example.org",
            id="core.E001",
        )
    ]
