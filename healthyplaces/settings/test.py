"""Settings for the test suite: fast hashing, mail kept in memory, the same database rules.

Tests that run a real Celery worker in another process point it at the same database and broker
through the environment (DATABASE_URL, REDIS_URL or CELERY_BROKER_FOLDER, DJANGO_EMAIL_BACKEND)."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
# Without Redis, tests get a broker folder of their own, apart from the development one.
os.environ.setdefault(
    "CELERY_BROKER_FOLDER", str(Path(__file__).resolve().parents[2] / "var" / "celery" / "test-broker")
)

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "test-mail"))
SITE_URL = "http://testserver"

# The live server's thread must not keep a connection open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker in another process sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

# Each test clears the cache (tests/conftest.py); in memory, so that never empties CI's Redis, which
# the Celery broker of the worker tests uses.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests sign people in with force_login, which allauth does not count as a recent password, so
# re-authentication before sensitive operations is off here; tests/accounts/test_reauthentication.py
# turns it on and shows each sensitive operation asking for it.
REAUTHENTICATE_SENSITIVE_OPERATIONS = False
