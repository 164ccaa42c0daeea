"""The 360Giving export of awarded grants, for officers and programme admins to publish."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from funding.giving360 import grants_csv, grants_for_export, package
from funding.permissions import can_manage_applications
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.spreadsheets import attachment_response, csv_response


@login_required
@require_GET
def export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    return render(
        request,
        "funding/export.html",
        {"grant_count": grants_for_export().count(), "prefix": settings.GIVING360_PREFIX},
    )


@login_required
@require_GET
def export_file_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    grants = grants_for_export()
    if not grants.exists():
        # A 360Giving package must hold at least one grant; an empty file would not validate.
        raise Http404("No grants have been awarded yet, so there is nothing to publish")
    filename = f"360giving-grants-{timezone.localdate().isoformat()}.{file_format}"
    if file_format != "json":
        return csv_response(grants_csv(grants), filename=filename)
    body = json.dumps(package(grants), indent=2, ensure_ascii=False).encode("utf-8")
    return attachment_response(body, content_type="application/json; charset=utf-8", filename=filename)
