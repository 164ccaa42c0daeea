"""Settings for the portal run as a real process by the fault tests (tests/support/processes.py):
the test settings, but with the cache and broker of production (Redis at REDIS_URL, through the
tolerant backend) and connections kept between requests, as production keeps them."""

import healthyplaces.settings.base as base
from healthyplaces.settings.test import *  # noqa: F403
from healthyplaces.settings.test import DATABASES, env

CACHES = base.CACHES
CELERY_BROKER_URL = base.CELERY_BROKER_URL
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
