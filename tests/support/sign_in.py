"""Sessions signed in as allauth signs people in, for the test client and for the page benchmark
(benchmarks/pages.py), which measures the pages as a signed-in member of staff sees them."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client
from django.test.client import ClientMixin

from healthyplaces.accounts.models import User


def force_login_without_second_factor(client: Client, user: User, backend: str | None = None) -> None:
    """Django's force_login as it is: a session with a user and nothing else, like one made by a
    sign-in form that skipped allauth (the admin's, before it was sent to allauth's).

    Called on ClientMixin, where Django defines it, because tests replace Client.force_login."""
    ClientMixin.force_login(client, user, backend)


def force_login_as_allauth_would(client: Client, user: User, backend: str | None = None) -> None:
    """force_login, then what allauth writes in the session when someone signs in with their password
    and then their authenticator code (allauth.account.internal.flows.login.record_authentication):
    staff sessions count as signed in only once that code is recorded (accounts.middleware)."""
    force_login_without_second_factor(client, user, backend)
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
