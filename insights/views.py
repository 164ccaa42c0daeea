from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate
from healthyplaces.core.spreadsheets import csv_response, xlsx_response
from healthyplaces.core.submissions import submitted_once
from insights.exports import insights_csv, insights_xlsx
from insights.forms import (
    ImportMappingForm,
    ImportUploadForm,
    InsightEditForm,
    InsightForm,
    InsightResponseForm,
    InsightReviewForm,
)
from insights.imports import import_batch_create, import_batch_run, import_batch_set_mapping, import_preview, read_csv
from insights.models import Insight
from insights.permissions import can_add_insight, can_edit_insight, can_read_insight_bank, can_review_insight
from insights.search import did_you_mean, parse_search, snippet_expression
from insights.selectors import (
    get_import_batch_for_user,
    get_insight_for_user,
    insight_bank,
    insight_list,
    insights_by_key,
    published_responses,
)
from insights.services import InsightConflict, insight_create, insight_edit, insight_respond, insight_update
from insights.stats import theme_group_counts

PER_PAGE = 25


@login_required
def insight_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    widened = False
    suggestion = None
    insight_filter, insights = insight_list(user=request.user, params=request.GET)
    paged = _search_page(request, insights, text, widen=False)
    if insight_filter.searching and not paged["page"].paginator.count:
        # Suggestions come from the whole bank's words, so only those who read the whole bank get
        # them: a connector (who reads only what they recorded) would learn others' words from one.
        suggestion = did_you_mean(text) if can_read_insight_bank(request.user) else None
        if parse_search(text).can_widen:
            # Nothing has all the words: show what has any of them, and say so.
            widened = True
            insight_filter, insights = insight_list(user=request.user, params=request.GET, widen=True)
            paged = _search_page(request, insights, text, widen=True)
    suggested = request.GET.copy()
    suggested.pop("page", None)
    suggested["q"] = suggestion or ""
    return render(
        request,
        "insights/insight_list.html",
        {
            **paged,
            "filter": insight_filter,
            "words": parse_search(text).words,
            "searching": insight_filter.searching,
            "widened": widened,
            "suggestion": suggestion,
            "suggestion_query": suggested.urlencode(),
            "can_add": can_add_insight(request.user),
            "whole_bank": can_read_insight_bank(request.user),
        },
    )


def _search_page(request: HttpRequest, insights: QuerySet[Insight], text: str, *, widen: bool) -> dict[str, Any]:
    """A page of the list, with PostgreSQL's highlighted snippets made for that page's rows only."""
    snippet = snippet_expression(text, widen=widen)
    return paginate(request, insights, PER_PAGE, fetch=lambda keys: insights_by_key(keys, snippet=snippet))


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def insight_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_add_insight(request.user):
        raise PermissionDenied
    form = InsightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            insight = insight_create(actor=request.user, fields=form.to_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Insight added to the bank")
            return redirect(insight.get_absolute_url())
    return render(request, "insights/insight_form.html", {"form": form, "heading": "Add an insight"})


@login_required
def insight_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = get_insight_for_user(user=request.user, pk=pk)
    return render(
        request,
        "insights/insight_detail.html",
        {
            "insight": insight,
            "can_review": can_review_insight(request.user),
            "can_edit": can_edit_insight(request.user, insight),
        },
    )


CONFLICT = (
    "Someone else changed this insight while you were editing. Your changes have not been "
    "saved; check the insight, then save again to keep your answers."
)


def _insight_form_page(
    request: AuthenticatedHttpRequest,
    insight: Insight,
    form_class: type[InsightEditForm],
    initial: dict[str, Any],
    save: Callable[[InsightEditForm], object],
    heading: str,
) -> HttpResponse:
    """Changing an insight others may change at the same time: save(form) claims the next version
    or raises InsightConflict, and the form then comes back with every answer and the version now
    saved, so saving again is a deliberate choice to overwrite."""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(form)
            except InsightConflict:
                data = request.POST.copy()
                data["version"] = str(type(insight).objects.values_list("version", flat=True).get(pk=insight.pk))
                form = form_class(data)
                form.is_valid()
                form.add_error(None, CONFLICT)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Insight updated")
                return redirect(insight.get_absolute_url())
    else:
        form = form_class(initial=InsightForm.initial_for(insight) | {"version": insight.version} | initial)
    return render(request, "insights/insight_form.html", {"form": form, "insight": insight, "heading": heading})


@login_required
@require_http_methods(["GET", "POST"])
def insight_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person who recorded an insight corrects what it says (reviewers use the review page)."""
    insight = get_insight_for_user(user=request.user, pk=pk, for_edit=True)

    def save(form: InsightEditForm) -> object:
        return insight_edit(
            actor=request.user, insight=insight, expected_version=form.cleaned_data["version"], fields=form.to_fields()
        )

    return _insight_form_page(request, insight, InsightEditForm, {}, save, "Edit insight")


@login_required
@require_http_methods(["GET", "POST"])
def insight_review_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = get_insight_for_user(user=request.user, pk=pk, for_review=True)

    def save(form: InsightEditForm) -> object:
        return insight_update(
            actor=request.user,
            insight=insight,
            expected_version=form.cleaned_data["version"],
            fields=form.to_fields(),
            status=form.cleaned_data["status"],
            actions=list(form.cleaned_data["actions"]),
        )

    initial = {"status": insight.status, "actions": list(insight.actions.all())}
    return _insight_form_page(request, insight, InsightReviewForm, initial, save, "Review insight")


@login_required
@require_http_methods(["GET", "POST"])
def insight_respond_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = get_insight_for_user(user=request.user, pk=pk, for_review=True)
    if request.method == "POST":
        form = InsightResponseForm(request.POST)
        if form.is_valid():
            try:
                insight_respond(
                    actor=request.user,
                    insight=insight,
                    response=form.cleaned_data["response"],
                    response_on=form.cleaned_data["response_on"],
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Response saved" + (" and published" if insight.response_published else ""))
                return redirect(insight.get_absolute_url())
    else:
        form = InsightResponseForm(
            initial={
                "response": insight.response,
                "response_on": insight.response_on,
                "publish": insight.response_published,
            }
        )
    return render(request, "insights/insight_response_form.html", {"form": form, "insight": insight})


def you_said_we_did_view(request: HttpRequest) -> HttpResponse:
    insight_filter, insights = published_responses(params=request.GET)
    return render(
        request,
        "insights/insight_public_list.html",
        {**paginate(request, insights, PER_PAGE), "filter": insight_filter},
    )


@login_required
def insight_counts_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The whole bank, sliced by any filter, for those who read it: exact figures (a filter that
    # can slice the bank any way would undo any suppression, so nobody else sees this table).
    insight_filter, insights = insight_bank(user=request.user, params=request.GET)
    return render(
        request,
        "insights/insight_counts.html",
        {"table": theme_group_counts(insights=insights), "filter": insight_filter},
    )


@login_required
def insight_export_view(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """The list as filtered on screen (every page of it), as CSV or XLSX."""
    _, insights = insight_bank(user=request.user, params=request.GET)
    insights = insights.prefetch_related("actions")
    stamp = timezone.localdate().isoformat()
    filename = f"insights-{stamp}.{file_format}"
    if file_format == "csv":
        return csv_response(insights_csv(insights), filename=filename)
    return xlsx_response(insights_xlsx(insights), filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_review_insight(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(actor=request.user, uploaded=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("insights:import_map", pk=batch.pk)
    return render(request, "insights/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_map_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_import_batch_for_user(user=request.user, pk=pk)
    header, _ = read_csv(batch.content)
    form = ImportMappingForm(request.POST or None, header=header, initial=batch.mapping)
    if request.method == "POST" and form.is_valid():
        import_batch_set_mapping(actor=request.user, batch=batch, mapping=form.cleaned_data)
        return redirect("insights:import_preview", pk=batch.pk)
    return render(request, "insights/import_map.html", {"form": form, "batch": batch})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_import_batch_for_user(user=request.user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            batch = import_batch_run(actor=request.user, batch=batch)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                f"{batch.imported_count} insight{'s' if batch.imported_count != 1 else ''} imported; "
                f"{batch.skipped_count} already in the bank",
            )
            return redirect("insights:list")
    preview = import_preview(batch=batch)
    return render(
        request,
        "insights/import_preview.html",
        {"batch": batch, "preview": preview, "sample": preview.rows[:20], "error": error},
    )
