from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Healthy Places administration"
admin.site.site_title = "Healthy Places admin"

urlpatterns = [
    path("", include("healthyplaces.core.urls")),
    path("", include("actions.urls")),
    path("", include("insights.urls")),
    path("", include("funding.urls")),
    path("", include("connectors.urls")),
    path("", include("healthyplaces.notifications.urls")),
    path("", include("healthyplaces.board.urls")),
    path("", include("healthyplaces.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
