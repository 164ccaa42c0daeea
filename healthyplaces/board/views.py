from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from healthyplaces.board.charts import Chart
from healthyplaces.board.figures import Figures
from healthyplaces.board.forms import CompareForm, DeprivationUploadForm, SnapshotFreezeForm
from healthyplaces.board.pack import pack_pdf, pack_xlsx
from healthyplaces.board.permissions import can_freeze_snapshot, can_load_deprivation
from healthyplaces.board.selectors import (
    dashboard_for_user,
    get_snapshot_for_user,
    later_snapshots,
    snapshot_actions,
    snapshot_figures,
    snapshot_list,
    what_changed,
)
from healthyplaces.board.services import DeprivationFileInvalid, deprivation_load, snapshot_freeze
from healthyplaces.core.forms import add_service_errors
from healthyplaces.core.generations import CACHE_SECONDS
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.spreadsheets import attachment_response, csv_response, xlsx_response
from healthyplaces.core.submissions import submitted_once


@login_required
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    figures = dashboard_for_user(user=request.user)
    latest = snapshot_list(user=request.user).first()
    return render(
        request,
        "board/dashboard.html",
        {
            "figures": figures.value,
            "figures_key": figures.key,
            "cache_seconds": CACHE_SECONDS,
            "latest_snapshot": latest,
            "can_freeze": can_freeze_snapshot(request.user),
            "can_load_deprivation": can_load_deprivation(request.user),
        },
    )


def _chart_or_404(figures: Figures, key: str) -> Chart:
    try:
        return figures.chart(key)
    except KeyError as missing:
        raise Http404("No such chart") from missing


@login_required
def chart_csv_view(request: AuthenticatedHttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    """One chart's figures as CSV: now (no pk) or as a snapshot froze them."""
    if pk is None:
        figures = dashboard_for_user(user=request.user).value
        stamp = timezone.localdate().isoformat()
    else:
        snapshot = get_snapshot_for_user(user=request.user, pk=pk)
        figures = snapshot_figures(snapshot)
        stamp = f"board-{snapshot.meeting_date.isoformat()}"
    chart = _chart_or_404(figures, key)
    return csv_response(chart.csv(), filename=f"{key}-{stamp}.csv")


@login_required
def snapshot_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "board/snapshot_list.html",
        {"snapshots": snapshot_list(user=request.user), "can_freeze": can_freeze_snapshot(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def snapshot_freeze_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_freeze_snapshot(request.user):
        raise PermissionDenied
    form = SnapshotFreezeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = snapshot_freeze(actor=request.user, meeting_date=form.cleaned_data["meeting_date"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Snapshot frozen for the board meeting on {snapshot.meeting_date:%-d %B %Y}")
            return redirect(snapshot.get_absolute_url())
    return render(request, "board/snapshot_freeze.html", {"form": form})


@login_required
def snapshot_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = get_snapshot_for_user(user=request.user, pk=pk)
    return render(
        request,
        "board/snapshot_detail.html",
        {"snapshot": snapshot, "figures": snapshot_figures(snapshot), "actions": snapshot_actions(snapshot)},
    )


@login_required
def snapshot_changes_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = get_snapshot_for_user(user=request.user, pk=pk)
    later = list(later_snapshots(snapshot=snapshot).order_by("meeting_date"))
    form = CompareForm(request.GET or None, choices=[(s.pk, str(s)) for s in later])
    until = None
    if form.is_valid() and form.cleaned_data["until"]:
        until = next(s for s in later if s.pk == form.cleaned_data["until"])
    return render(
        request,
        "board/snapshot_changes.html",
        {"snapshot": snapshot, "form": form, "changes": what_changed(since=snapshot, until=until)},
    )


@login_required
def snapshot_pack_view(request: AuthenticatedHttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in ("pdf", "xlsx"):
        raise Http404("The board pack comes as PDF or XLSX")
    snapshot = get_snapshot_for_user(user=request.user, pk=pk)
    filename = f"board-pack-{snapshot.meeting_date.isoformat()}.{file_format}"
    if file_format == "pdf":
        return attachment_response(pack_pdf(snapshot), content_type="application/pdf", filename=filename)
    return xlsx_response(pack_xlsx(snapshot), filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def deprivation_upload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_load_deprivation(request.user):
        raise PermissionDenied
    form = DeprivationUploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            loaded = deprivation_load(actor=request.user, uploaded=form.cleaned_data["file"])
        except DeprivationFileInvalid as invalid:
            row_errors = invalid.row_errors
            form.add_error("file", "The file was not loaded: correct the rows listed below and upload it again")
        else:
            messages.success(request, f"Deprivation deciles loaded for {loaded} ward{'s' if loaded != 1 else ''}")
            return redirect("board:dashboard")
    return render(request, "board/deprivation_upload.html", {"form": form, "row_errors": row_errors})
