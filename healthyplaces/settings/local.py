"""Settings for a developer's machine: the embedded defaults, debug on, mail to console and var/mail."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
