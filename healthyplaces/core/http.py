from django.http import HttpRequest

from healthyplaces.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a login_required view receives: its user is a signed-in User."""

    user: User
