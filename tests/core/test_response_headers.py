"""The headers and limits of healthyplaces.core.middleware, checked with the production settings'
own middleware and security settings (read in a fresh interpreter, then applied here) behind a
proxy that says the request came over HTTPS."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from funding.files import MAX_ATTACHMENT_BYTES
from healthyplaces.accounts.roles import Role
from healthyplaces.notifications.tokens import make_unsubscribe_token
from tests.core.test_deploy_settings import production_env, production_settings
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    # WhiteNoise (production middleware) notes that no static files were collected here.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HOST = "portal.example.org"
PRODUCTION_NAMES = (
    "MIDDLEWARE",
    "ALLOWED_HOSTS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY_DENIED",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "REQUEST_BODY_MAX_BYTES",
)
# What the portal never uses and the issue named; the setting lists more.
MUST_DENY = ("camera", "microphone", "geolocation", "payment", "usb")


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    values: dict[str, Any] = production_settings(
        production_env(Path(tmp_path_factory.mktemp("production"))), PRODUCTION_NAMES
    )
    values.pop("staticfiles")
    # JSON turned the tuples into lists.
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    values["PERMISSIONS_POLICY_DENIED"] = tuple(values["PERMISSIONS_POLICY_DENIED"])
    return values


@pytest.fixture
def production_client(production: dict[str, Any]) -> Iterator[Client]:
    with override_settings(**production):
        yield Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")


def test_signed_in_responses_are_private_and_never_stored(production_client):
    production_client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))

    for url in (reverse("core:home"), reverse("funding:applications")):
        response = production_client.get(url)

        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, url
        assert "public" not in cache_control


def test_anonymous_public_pages_may_be_cached(production_client):
    response = production_client.get(reverse("core:accessibility"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_signed_out_pages_that_show_an_address_are_never_stored(production_client):
    """The one-click unsubscribe page and the pages an emailed key opens show a person's address
    to whoever holds the link, signed in or not: no shared cache may keep them."""
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER], email="kept.private@example.org")
    pages = (
        reverse("notifications:unsubscribe", kwargs={"token": make_unsubscribe_token(user_id=person.pk)}),
        reverse("account_confirm_email", kwargs={"key": "not-a-real-key"}),
    )
    for url in pages:
        response = production_client.get(url)

        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, url
    assert "kept.private@example.org" in production_client.get(pages[0]).content.decode()


def test_every_response_denies_the_browser_features_the_portal_does_not_use(production_client):
    production_client.force_login(UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER]))

    for response in (
        production_client.get(reverse("core:home")),
        production_client.get("/no-such-page/"),
        Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https").get(reverse("account_login")),
    ):
        policy = {part.strip() for part in response["Permissions-Policy"].split(",")}
        assert {f"{feature}=()" for feature in MUST_DENY} <= policy
        # The production security headers are all still there beside it.
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_production_limits_request_bodies_with_room_for_the_largest_upload(production, production_client):
    assert production["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 2_621_440
    assert production["REQUEST_BODY_MAX_BYTES"] > MAX_ATTACHMENT_BYTES

    too_large = production_client.post(
        reverse("account_login"),
        data=b"x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(production["REQUEST_BODY_MAX_BYTES"] + 1),
    )
    within = production_client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong"})

    assert too_large.status_code == 413
    assert within.status_code == 200
