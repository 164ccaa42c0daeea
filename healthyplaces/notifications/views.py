from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from healthyplaces.accounts.models import User
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate
from healthyplaces.notifications.forms import DigestPreferencesForm
from healthyplaces.notifications.models import DigestFrequency
from healthyplaces.notifications.selectors import digest_frequency_for, notification_log
from healthyplaces.notifications.services import digest_set_frequency
from healthyplaces.notifications.tokens import read_unsubscribe_token

NOTIFICATIONS_PER_PAGE = 50


@login_required
def notification_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    notification_filter, notifications = notification_log(user=request.user, params=request.GET)
    return render(
        request,
        "notifications/notification_list.html",
        {"filter": notification_filter, **paginate(request, notifications, NOTIFICATIONS_PER_PAGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DigestPreferencesForm(request.POST)
        if form.is_valid():
            digest_set_frequency(user=request.user, frequency=form.cleaned_data["frequency"])
            messages.success(request, "Your email preferences have been saved")
            return redirect("notifications:preferences")
    else:
        form = DigestPreferencesForm(initial={"frequency": digest_frequency_for(user=request.user)})
    return render(request, "notifications/preferences_form.html", {"form": form})


# The signed token is the credential, so no login and no CSRF token: mail clients send RFC 8058
# one-click unsubscribes as a bare POST. A GET only asks, so link scanners unsubscribe nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=read_unsubscribe_token(token), is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        digest_set_frequency(user=user, frequency=DigestFrequency.NONE)
        return render(request, "notifications/unsubscribe_done.html", {"email": user.email})
    return render(request, "notifications/unsubscribe_confirm.html", {"email": user.email})
