from django.conf import settings


def absolute_url(path: str = "") -> str:
    """The portal's address for a path, for links that leave the request: emails, data exports."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
