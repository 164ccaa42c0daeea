import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthyplaces.settings.local")

app = Celery("healthyplaces")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
