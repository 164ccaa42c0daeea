from django.urls import path

from healthyplaces.core import views
from healthyplaces.core.health import healthz, livez

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("healthz/", healthz, name="healthz"),
    path("livez/", livez, name="livez"),
]
