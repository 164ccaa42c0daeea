"""The end-of-grant report: the group writes and sends it; officers read it and raise insights
from it into the insights bank."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from funding.forms import ReportForm
from funding.models import GrantReport
from funding.permissions import can_manage_applications
from funding.selectors import get_application_for_user
from funding.services import (
    REPORTABLE,
    ReportConflict,
    grant_report_raise_insight,
    grant_report_save,
    grant_report_send,
)
from funding.views import get_application_and_kinds
from funding.workflow import APPLICANT, State
from healthyplaces.core.forms import add_service_errors, rebind_with_version
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.submissions import submitted_once
from insights.forms import InsightForm
from insights.models import Source


@login_required
@require_http_methods(["GET", "POST"])
def report_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    if APPLICANT not in kinds:
        raise PermissionDenied
    if application.state not in REPORTABLE:
        return redirect(application.get_absolute_url())
    report = GrantReport.objects.filter(application=application).prefetch_related("spend").first()
    lines = list(application.budget_lines.all())
    conflict = False
    if request.method == "POST":
        form = ReportForm(request.POST, budget_lines=lines)
        if form.is_valid():
            send = request.POST.get("action") == "send"
            problems: dict[str, str] = {}
            try:
                if send:
                    problems = grant_report_send(
                        actor=request.user,
                        application=application,
                        answers=form.answers(),
                        expected_version=form.cleaned_data["version"],
                    )
                else:
                    grant_report_save(
                        actor=request.user,
                        application=application,
                        answers=form.answers(),
                        expected_version=form.cleaned_data["version"],
                    )
            except ReportConflict:
                conflict = True
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not problems:
                    messages.success(
                        request, "Your report has been sent. Thank you." if send else "Your report has been saved"
                    )
                    return redirect(application.get_absolute_url())
                # Unfinished, so kept as a draft but not sent: the form says what is missing.
                add_service_errors(form, ValidationError(problems))
            current = GrantReport.objects.filter(application=application).values_list("version", flat=True).first()
            form = rebind_with_version(
                lambda data: ReportForm(data, budget_lines=lines),
                request.POST,
                # A refused first save leaves no report: the form then carries the version a new one starts at.
                version=1 if current is None else current,
                errors=form.errors,
            )
    else:
        initial: dict[str, object] = {"version": report.version if report else 1}
        if report is not None:
            initial.update(
                what_happened=report.what_happened,
                people_reached=report.people_reached,
                story=report.story,
                spend_notes=report.spend_notes,
            )
            initial.update({f"spent_{s.budget_line_id}": s.amount_spent for s in report.spend.all()})
        form = ReportForm(initial=initial, budget_lines=lines)
    return render(
        request,
        "funding/report_form.html",
        {"application": application, "form": form, "conflict": conflict, "due": application.state == State.REPORT_DUE},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def report_insight_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An officer raises an insight from what the group reported, starting from its words."""
    if not can_manage_applications(request.user):
        raise PermissionDenied
    application = get_application_for_user(user=request.user, pk=pk)
    report = GrantReport.objects.filter(application=application, submitted_at__isnull=False).first()
    if report is None:
        messages.info(request, "The group has not sent its report yet")
        return redirect(application.get_absolute_url())
    assert report.submitted_at is not None  # noqa: S101 - filtered above; for the type checker
    wards = list(application.wards.all())
    initial = {
        "title": application.project_title,
        "summary": report.what_happened,
        "quote": report.story,
        "source": Source.GRANT_REPORT,
        "heard_on": timezone.localdate(report.submitted_at),
        "ward": wards[0].pk if len(wards) == 1 else None,
        "people_count": report.people_reached or None,
    }
    form = InsightForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            insight = grant_report_raise_insight(actor=request.user, report=report, fields=form.to_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{insight.title}” has been added to the insights bank")
            return redirect(f"{application.get_absolute_url()}#report")
    return render(
        request,
        "insights/insight_form.html",
        {
            "form": form,
            "heading": "Raise an insight from the report",
            "caption": f"{application} · {application.organisation.name}",
            "back_url": f"{application.get_absolute_url()}#report",
        },
    )
