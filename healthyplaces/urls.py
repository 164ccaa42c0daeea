from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

admin.site.site_header = "Healthy Places administration"
admin.site.site_title = "Healthy Places admin"


def on_to_the_admin(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """What the admin's sign-in does for a staff user already signed in (secure_admin_login lets only
    them through): send them on. Never the admin's own form, whose POST would check another person's
    password with no lockout or rate limit and sign them in with it."""
    return redirect("admin:index")


# One door: the admin's own sign-in form would take a password alone, past the second factor, the
# lockout and the rate limit. allauth's decorator sends whoever is not signed in to the portal's
# sign-in instead, and back to the admin after it.
admin.site.login = secure_admin_login(on_to_the_admin)  # type: ignore[method-assign]


def change_password_in_the_portal(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """One place to change one's own password: allauth's, where the current password counts toward
    the lockout and the rate limit like any other (the admin's own form checks it with no limit)."""
    return redirect("account_change_password")


admin.site.password_change = change_password_in_the_portal  # type: ignore[method-assign,assignment]

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
