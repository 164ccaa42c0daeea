"""Settings shared by every environment; each value comes from the environment (12-factor)."""

import hashlib
import subprocess
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets admin and model classes be subscripted for type checking (admin.ModelAdmin[Action]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# Everything the embedded defaults write (SQLite, the file broker, sent mail) lives under var/.
VAR_DIR = Path(env("HEALTHYPLACES_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# Where links in emails point; emails are sent outside any request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
COUNCIL_NAME = env("COUNCIL_NAME", default="Stockton-on-Tees Borough Council")
SERVICE_NAME = env("SERVICE_NAME", default="Healthy Places")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The project's template engine renders form widgets (FORM_RENDERER), the admin's included:
    # it needs Django's own widget templates, which this app provides.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_filters",
    "django_celery_beat",
    "healthyplaces.core",
    "healthyplaces.accounts",
    "healthyplaces.vocabulary",
    "healthyplaces.notifications",
    "healthyplaces.demo",
    "actions",
    "insights",
    "connectors",
    "funding",
    # Reads every app above; nothing imports it.
    "healthyplaces.board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside the session and sign-in middleware, so their own answers get its headers too.
    "healthyplaces.core.middleware.ResponseHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "healthyplaces.accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "healthyplaces.urls"
WSGI_APPLICATION = "healthyplaces.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "healthyplaces.core.context_processors.service",
                "healthyplaces.core.navigation.navigation",
            ],
        },
    },
]
# GOV.UK markup for every Django form: error messages beside fields, hints, fieldsets.
FORM_RENDERER = "healthyplaces.core.forms.GovukFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the worker and beat share one file: WAL and IMMEDIATE transactions stop
    # them failing with "database is locked" when two of them write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default random_page_cost (4) assumes spinning disks; on SSDs it makes the planner
    # read the whole insights table instead of the search index (docs/benchmarks.md: a three-word
    # search at 100,000 insights took 65 ms that way and 21 ms through the index).
    DATABASES["default"]["OPTIONS"] = {"options": env("DJANGO_PG_OPTIONS", default="-c random_page_cost=1.1")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["healthyplaces.accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# django-allauth: email is the login, and nobody signs in before proving they own the address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "healthyplaces.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "healthyplaces.accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {
    "login": "healthyplaces.accounts.allauth_forms.LoginForm",
    "signup": "healthyplaces.accounts.allauth_forms.SignupForm",
    "reset_password": "healthyplaces.accounts.allauth_forms.ResetPasswordForm",
    "change_password": "healthyplaces.accounts.allauth_forms.ChangePasswordForm",
    "reset_password_from_key": "healthyplaces.accounts.allauth_forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
# Lockout: this many wrong passwords (or authenticator codes) for one email address within the window
# lock that address out, right password or not, for the window after the last of them, or until a
# programme admin unlocks it ("Unlock sign-in" on the user in the admin site). The count is kept per
# address alone, in the database (accounts.models.SignInFailures), so neither the Host header nor a
# cache outage changes it.
LOGIN_FAILURES_LIMIT = env.int("LOGIN_FAILURES_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# allauth's own format: at most 10 failures a minute from one client IP address, whoever is tried
# (its per-address "key" limit is replaced by the lockout above).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
# The client IP that rate limit counts is the REMOTE_ADDR, unless the portal runs behind this many
# proxies that each append to X-Forwarded-For: then the address the outermost trusted one saw. More
# than there are would let a client choose its own address; fewer would count the proxy for everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Role changes, payments and personal-data downloads ask for the password again
# (healthyplaces.accounts.reauthentication). Off only in the test settings; see there.
REAUTHENTICATE_SENSITIVE_OPERATIONS = True
# Second factor: an authenticator app, with recovery codes for a lost phone. Programme admins,
# council officers and assessors must have one before any staff page (accounts.middleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default=SERVICE_NAME)
MFA_ADAPTER = "healthyplaces.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "healthyplaces.accounts.allauth_forms.MFAAuthenticateForm",
    "reauthenticate": "healthyplaces.accounts.allauth_forms.MFAReauthenticateForm",
    "activate_totp": "healthyplaces.accounts.allauth_forms.ActivateTOTPForm",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Private files (application documents), in STORAGES["private"] (healthyplaces.core.private_files).
# "filesystem" (the embedded default): the folder PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT and STATIC_ROOT,
# with no URL. With more than one web node, a store they all share: "s3" (AWS or any S3-compatible
# server) or "azure" (Azure Blob Storage). Objects are private; the portal streams them after its check,
# or, with PRIVATE_FILES_SIGNED_URLS, redirects to a URL signed for PRIVATE_FILE_URL_SECONDS.
PRIVATE_STORAGE = env("PRIVATE_STORAGE", default="filesystem")
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_FILES_SIGNED_URLS = env.bool("PRIVATE_FILES_SIGNED_URLS", default=False)
PRIVATE_FILE_URL_SECONDS = env.int("PRIVATE_FILE_URL_SECONDS", default=60)


def private_storage_settings(kind: str, environ: Callable[..., Any] = env) -> dict[str, Any]:
    """STORAGES["private"] for PRIVATE_STORAGE; credentials left unset fall to the SDK's own chain
    (an instance role, a managed identity)."""
    if kind == "filesystem":
        return {"BACKEND": "healthyplaces.core.private_files.LocalPrivateStorage"}
    if kind == "s3":
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": environ("AWS_STORAGE_BUCKET_NAME"),
                "endpoint_url": environ("AWS_S3_ENDPOINT_URL", default=None),
                "region_name": environ("AWS_S3_REGION_NAME", default=None),
                "access_key": environ("AWS_ACCESS_KEY_ID", default=None),
                "secret_key": environ("AWS_SECRET_ACCESS_KEY", default=None),
                "addressing_style": environ("AWS_S3_ADDRESSING_STYLE", default=None),
                "signature_version": "s3v4",
                # Private objects, signed URLs only, and never one document written over another.
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": PRIVATE_FILE_URL_SECONDS,
                "file_overwrite": False,
            },
        }
    if kind == "azure":
        return {
            "BACKEND": "storages.backends.azure_storage.AzureStorage",
            "OPTIONS": {
                "azure_container": environ("AZURE_CONTAINER"),
                "connection_string": environ("AZURE_CONNECTION_STRING", default=None),
                "account_name": environ("AZURE_ACCOUNT_NAME", default=None),
                "account_key": environ("AZURE_ACCOUNT_KEY", default=None),
                "expiration_secs": PRIVATE_FILE_URL_SECONDS,
                "overwrite_files": False,
            },
        }
    raise ImproperlyConfigured(f"PRIVATE_STORAGE must be filesystem, s3 or azure, not {kind!r}")


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage_settings(PRIVATE_STORAGE),
}

# Email: console plus a file per message under var/mail by default, SMTP when EMAIL_URL is set.
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    _email = environ.Env.email_url_config(EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "healthyplaces.core.mail.ConsoleAndFileEmailBackend"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Healthy Places <healthyplaces@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _release() -> str:
    """Which code is running, for the cache keys: RELEASE from the environment (the image tag or
    commit, when deploying), else the package version and the git commit, else (an image built
    without .git) the version and a digest of the Python source, which changes with any code."""
    release = env("RELEASE", default="")
    if release:
        return str(release)
    try:
        version = metadata.version("healthyplaces")
    except metadata.PackageNotFoundError:
        version = "0"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607 - git from PATH, if any
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    if commit:
        return f"{version}+{commit}"
    source = hashlib.sha256()
    packages = sorted(path.parent for path in BASE_DIR.glob("*/__init__.py") if path.parent.name != "tests")
    for path in sorted(file for package in packages for file in package.rglob("*.py")):
        source.update(path.read_bytes())
    return f"{version}+{source.hexdigest()[:12]}"


RELEASE = _release()

REDIS_URL = env("REDIS_URL", default="")
# Every process (each gunicorn worker) must share the cached reads and allauth's per-IP sign-in rate
# limits: Redis when there is one, otherwise files under var/ (a developer's web, worker and beat share
# them). Redis is only an accelerator: TolerantRedisCache answers "not cached" when it cannot be
# reached (healthyplaces/core/cache.py), so short socket timeouts keep an unreachable server from
# holding up a page. Keys carry the release, so a deploy never reads values pickled by older code.
CACHES = {
    "default": (
        {
            "BACKEND": "healthyplaces.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"healthyplaces:{RELEASE}",
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_TIMEOUT", default=1.0),
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": f"healthyplaces:{RELEASE}",
            # Django's default of 300 files would cull the cached reads' generations
            # (healthyplaces/core/generations.py) as fast as they are made.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    )
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, so a fresh machine
# runs web, worker and beat with no broker server at all.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
# Redis hands an unacknowledged task (its worker died) to another worker after this long.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "celery" / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Broadcasts (remote control, purge) would otherwise make a folder in the working directory.
        "control_folder": str(_broker_dir.parent / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when it has finished, so a worker killed mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Notifications: how long a worker may hold a notification while sending it before another may
# take it over, how often a transient failure is retried and how the wait between tries grows.
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BASE_SECONDS = env.float("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
# Review reminders go this many days before an action's next review date; admins hear about
# actions this many days overdue.
REVIEW_REMINDER_DAYS_BEFORE = env.int("REVIEW_REMINDER_DAYS_BEFORE", default=7)
REVIEW_ESCALATION_DAYS_OVERDUE = env.int("REVIEW_ESCALATION_DAYS_OVERDUE", default=14)

# Where the shared, read-only reference material lives (the plan, the 360Giving schema).
SHARED_DIR = Path(env("HEALTHYPLACES_SHARED_DIR", default=str(BASE_DIR.parent / "shared")))

# The 360Giving export of awarded seed-fund grants (funding.giving360). Grant ids are
# "<GIVING360_PREFIX>-<reference>", and a group with no charity or company number is
# "<GIVING360_PREFIX>-org-<id>". The prefix is the one 360Giving issues when the council registers
# as a publisher (it starts "360G-"): empty, the default, means not registered yet, and nothing is
# published (a made-up prefix would go out as if it were real). `check --deploy` warns while it is
# empty; funding/checks.py refuses one in the wrong form at start-up.
GIVING360_PREFIX = env("GIVING360_PREFIX", default="")
# The funder's (and the package publisher's) org-id.guide identifier, checked at start-up:
# Stockton-on-Tees Borough Council is GB-LAE-STT in the local-authorities-in-England register
# (GB-LAE-STN is the London Borough of Sutton).
FUNDER_ORG_ID = env("FUNDER_ORG_ID", default="GB-LAE-STT")
# The licence the grants are published under: the Open Government Licence, which councils publish
# open data under and 360Giving accepts (the package schema asks for the licence's canonical URI).
GIVING360_LICENSE = env(
    "GIVING360_LICENSE", default="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
# Where the council publishes the files (the package's accessURL); empty means the portal's public
# funding page.
GIVING360_ACCESS_URL = env("GIVING360_ACCESS_URL", default="")
FUNDER_NAME = env("FUNDER_NAME", default=COUNCIL_NAME)
FUNDING_DEPARTMENT = env("FUNDING_DEPARTMENT", default="Public Health")

# The Open Referral UK API (connectors.open_referral): every published address's town and county.
# HSDS requires both; the places form records only the street address and postcode, and every place
# is in the area the portal serves.
OPEN_REFERRAL_AREA = env("OPEN_REFERRAL_AREA", default="Stockton-on-Tees")

# The map of places (connectors): a tile URL template such as
# https://tile.example.org/{z}/{x}/{y}.png and the attribution its licence asks for. Empty (the
# default) shows the places' markers without a background map.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_ATTRIBUTION = env("MAP_ATTRIBUTION", default="")

# Content Security Policy for every response in every environment (tests included, so a page that
# needs an inline script or style fails there first). Nothing inline is allowed: GOV.UK Frontend's
# start-up lives in static/js. Map tiles (MAP_TILE_URL, a Leaflet URL template) are the one outside
# origin; a "{s}" subdomain placeholder becomes a wildcard.
_tiles = urlsplit(MAP_TILE_URL.replace("{s}.", "*."))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features nobody on the portal uses, denied to every page and anything it embeds
# (healthyplaces.core.middleware). The map of places does not ask where the visitor is; second
# factors are authenticator codes, not WebAuthn (allow publickey-credentials-get if that changes).
# Only features Chromium knows: an unknown name is an error on its console.
PERMISSIONS_POLICY_DENIED = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

# Request size. Form fields (everything but uploaded files) may total this much: Django's default,
# set here so it is a decision. A whole request body may be at most REQUEST_BODY_MAX_BYTES: the
# largest upload (a 10 MB application document, funding.files) plus room, so a file a little over
# 10 MB is told so on the page rather than refused outright.
# The proxy in front should refuse larger bodies first (README, "Request size").
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=12 * 1024 * 1024)

# Personal data in closed grant applications and in insights is anonymised this many days after
# the application closed or the insight was logged (six years: the limitation period for claims
# about grant money). The privacy notice states it.
DATA_RETENTION_DAYS = env.int("DATA_RETENTION_DAYS", default=6 * 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusals_on_one_line": {"()": "healthyplaces.core.request_logging.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own defaults give "django" a console handler of its own (and an admin-email one,
        # which sends nothing: ADMINS is empty), so with DEBUG on each of its records printed twice,
        # once there and once at the root. The root's handler is the one place logs are written.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 403 as one line (user, path, view, reason), not a traceback.
        "django.request": {"filters": ["refusals_on_one_line"], "propagate": True},
    },
}
