"""The 360Giving export of awarded grants, for officers and programme admins to publish."""

import json
from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from funding.giving360 import export_overview, grants_csv, grants_for_export, package, publication_problem
from funding.permissions import can_manage_applications
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.spreadsheets import attachment_response, csv_response

# The page lists the first findings and counts the rest by check; the Data Quality Tool has them all.
FINDINGS_SHOWN = 50


def _page(request: AuthenticatedHttpRequest, *, status: int = 200) -> HttpResponse:
    overview = export_overview()
    context = {
        "grant_count": overview.grant_count,
        "later_count": overview.later_count,
        "problem": overview.problem,
        "prefix": settings.GIVING360_PREFIX,
        "findings": overview.findings[:FINDINGS_SHOWN],
        "finding_count": len(overview.findings),
        "finding_checks": Counter(finding.check for finding in overview.findings).most_common(),
    }
    return render(request, "funding/export.html", context, status=status)


@login_required
@require_GET
def export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    return _page(request)


@login_required
@require_GET
def export_file_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    if publication_problem():
        # No file exists to publish; the page says why rather than a bare "not found".
        return _page(request, status=404)
    grants = grants_for_export()
    if not grants.exists():
        # A 360Giving package must hold at least one grant; an empty file would not validate.
        raise Http404("No grants have been awarded yet, so there is nothing to publish")
    filename = f"360giving-grants-{timezone.localdate().isoformat()}.{file_format}"
    if file_format != "json":
        return csv_response(grants_csv(grants), filename=filename)
    body = json.dumps(package(grants), indent=2, ensure_ascii=False).encode("utf-8")
    return attachment_response(body, content_type="application/json; charset=utf-8", filename=filename)
