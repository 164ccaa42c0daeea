"""Settings for the test suite: fast hashing, mail kept in memory, the same database rules."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=CELERY_BROKER_URL)
