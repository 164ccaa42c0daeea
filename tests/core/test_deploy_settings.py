"""The production settings pass Django's deployment checks and refuse to start without a secret.

Each test loads the production settings in a fresh interpreter (a subprocess), so nothing here touches
the test database or the test settings already loaded by pytest-django.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory

from healthyplaces.core.health import healthz

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "healthyplaces.settings.production"


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """The environment a production process gets, minus anything this machine's DJANGO_* adds."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "EMAIL_URL", "HEALTHYPLACES_VAR_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        HEALTHYPLACES_VAR_DIR=str(tmp_path / "var"),
        # A deployment that publishes grants has registered with 360Giving (funding.W001 otherwise).
        GIVING360_PREFIX="360G-example",
        SITE_URL="https://portal.example.org",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


BASICS = ("SECURE_SSL_REDIRECT", "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def production_settings(env: dict[str, str], names: tuple[str, ...] = BASICS) -> dict[str, object]:
    script = (
        "import json; from django.conf import settings; print(json.dumps({"
        "'staticfiles': settings.STORAGES['staticfiles']['BACKEND'],"
        + "".join(f"'{name}': settings.{name}," for name in names)
        + "}))"
    )
    result = run_python(["-c", script], env)
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_until_a_360giving_prefix_is_registered(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, GIVING360_PREFIX=None),
    )

    assert result.returncode != 0
    assert "funding.W001" in result.stderr + result.stdout
    assert "GIVING360_PREFIX is empty" in result.stderr + result.stdout


def test_check_deploy_fails_when_links_in_emails_would_be_plain_http(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy"],
        production_env(tmp_path, SITE_URL="http://portal.example.org"),
    )

    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "SITE_URL is 'http://portal.example.org'" in result.stderr


def test_production_settings_refuse_to_load_without_a_secret_key(tmp_path):
    result = run_python(
        ["-c", f"import {PRODUCTION}"],
        production_env(tmp_path, DJANGO_SECRET_KEY=None),
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_serve_fingerprinted_static_files_over_https_by_default(tmp_path):
    values = production_settings(production_env(tmp_path))

    assert values == {
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "SECURE_SSL_REDIRECT": True,
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_production_cookies_and_headers_keep_sessions_to_https_and_this_site(tmp_path):
    names = (
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
    )
    values = production_settings(production_env(tmp_path), names)

    assert values == {
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }


def test_ssl_redirect_can_be_turned_off_for_a_stack_without_tls(tmp_path):
    # docker-compose.yml relies on this: it serves plain HTTP on localhost:8000.
    values = production_settings(production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false"))

    assert values["SECURE_SSL_REDIRECT"] is False


def test_healthz_answers_503_when_the_database_is_unavailable():
    request = RequestFactory().get("/healthz/")

    with mock.patch("healthyplaces.core.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = healthz(request)

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_collectstatic_with_the_production_storage_finds_every_file_the_built_assets_name(tmp_path):
    """The manifest storage follows every url() and source map the built CSS and JS name; one
    missing file fails a deployment, so build output and storage are checked together here."""
    result = run_python(["manage.py", "collectstatic", "--noinput", "-v0"], production_env(tmp_path))

    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "var" / "staticfiles" / "staticfiles.json").read_text())
    assert "dist/leaflet/leaflet-src.esm.js" in manifest["paths"]
    assert "dist/govuk/govuk-frontend.min.js" in manifest["paths"]


def test_production_counts_the_client_address_the_load_balancer_saw_unless_told_otherwise(tmp_path):
    """Behind one load balancer the sign-in rate limit must count the client it saw (the last
    X-Forwarded-For entry), not the balancer; a stack with nothing in front sets TRUSTED_PROXY_COUNT=0."""
    names = ("ALLAUTH_TRUSTED_PROXY_COUNT",)

    assert production_settings(production_env(tmp_path), names)["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    alone = production_env(tmp_path, TRUSTED_PROXY_COUNT="0")
    assert production_settings(alone, names)["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_the_compose_stack_with_nothing_in_front_trusts_no_forwarded_address():
    # Read as text: PyYAML is not among the project's dependencies. The setting sits in the
    # environment every app container shares (x-app-environment).
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text()
    shared_environment = compose.split("x-app-environment:", 1)[1].split("\nx-", 1)[0]

    assert '\n  TRUSTED_PROXY_COUNT: "0"\n' in shared_environment


def test_production_keeps_private_files_where_private_storage_says(tmp_path):
    folder = production_settings(production_env(tmp_path), ("STORAGES",))["STORAGES"]
    azure = production_settings(
        production_env(
            tmp_path,
            PRIVATE_STORAGE="azure",
            AZURE_CONTAINER="documents",
            AZURE_CONNECTION_STRING="AccountName=a;AccountKey=a2V5;BlobEndpoint=http://store.example/a;",
        ),
        ("STORAGES",),
    )["STORAGES"]
    s3 = production_settings(
        production_env(tmp_path, PRIVATE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="documents"), ("STORAGES",)
    )["STORAGES"]

    assert folder["private"]["BACKEND"] == "healthyplaces.core.private_files.LocalPrivateStorage"
    assert azure["private"]["BACKEND"] == "storages.backends.azure_storage.AzureStorage"
    assert azure["private"]["OPTIONS"]["azure_container"] == "documents"
    assert s3["private"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["private"]["OPTIONS"]["default_acl"] == "private"
    # WhiteNoise still serves the static files beside them.
    assert s3["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_an_unknown_private_storage_stops_the_start(tmp_path):
    result = run_python(
        ["-c", "from django.conf import settings; settings.STORAGES"],
        production_env(tmp_path, PRIVATE_STORAGE="dropbox"),
    )

    assert result.returncode != 0
    assert "PRIVATE_STORAGE must be filesystem, s3 or azure, not 'dropbox'" in result.stderr
