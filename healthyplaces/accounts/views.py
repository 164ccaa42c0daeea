import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from healthyplaces.accounts.models import User
from healthyplaces.accounts.permissions import can_erase_people
from healthyplaces.accounts.reauthentication import sensitive_operation
from healthyplaces.accounts.selectors import role_change_log
from healthyplaces.accounts.services import person_erase, person_request_erasure, personal_data_export
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate

ROLE_CHANGES_PER_PAGE = 50


@login_required
def role_change_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    role_filter, changes = role_change_log(user=request.user, params=request.GET)
    return render(
        request,
        "accounts/role_change_list.html",
        {"filter": role_filter, **paginate(request, changes, ROLE_CHANGES_PER_PAGE)},
    )


@login_required
def your_data_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "accounts/your_data.html")


def _data_download(actor: User, subject: User) -> HttpResponse:
    data = personal_data_export(actor=actor, subject=subject)
    response = HttpResponse(
        json.dumps({"person": subject.pk, "data": data}, cls=DjangoJSONEncoder, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{subject.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@sensitive_operation()
def your_data_download_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _data_download(request.user, request.user)


@login_required
@require_POST
def erasure_request_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    person_request_erasure(person=request.user, today=timezone.localdate())
    messages.success(request, "We have asked a programme admin to erase your data. They will reply within a month.")
    return redirect("accounts:your_data")


def _person_for_admin(request: AuthenticatedHttpRequest, pk: int) -> User:
    if not can_erase_people(request.user):
        raise PermissionDenied
    return get_object_or_404(User, pk=pk)


@login_required
@sensitive_operation()
def person_data_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _data_download(request.user, _person_for_admin(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_operation()
def person_erase_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person_for_admin(request, pk)
    if request.method == "POST":
        try:
            person_erase(actor=request.user, person=person)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return redirect("accounts:person_erase", pk=person.pk)
        messages.success(request, "Their personal data has been erased.")
        return redirect("admin:accounts_user_changelist")
    return render(request, "accounts/person_erase.html", {"person": person})
