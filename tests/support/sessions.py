"""Sessions made as a real sign-in makes them, for the test suite's Client.force_login (tests/conftest.py)
and for the page benchmark's signed-in sessions (benchmarks/pages.py): staff sessions count as
signed in only once an authenticator code is recorded (healthyplaces.accounts.middleware)."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client

from healthyplaces.accounts.models import User

# Taken when this module is first imported, before tests/conftest.py replaces Client.force_login.
django_force_login = Client.force_login


def force_login_as_allauth_would(client: Client, user: User, backend: str | None = None) -> None:
    """force_login, then what allauth writes in the session when someone signs in with their password
    and then their authenticator code (allauth.account.internal.flows.login.record_authentication)."""
    django_force_login(client, user, backend)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": totp.pk, "type": totp.type},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
