"""Assessors' pages (their assignments, the conflict-of-interest declaration, scoring) and the
officers' side of assessment (assigning assessors, the panel)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from funding.forms import AssignAssessorForm, DeclarationForm, ScoreForm, TransitionForm
from funding.models import Assignment
from funding.permissions import can_manage_applications
from funding.presentation import answers
from funding.selectors import (
    assessors_to_assign,
    assignment_list,
    get_application_for_user,
    get_assignment_for_user,
    round_panel,
    rounds_for_staff,
)
from funding.services import (
    AssessmentConflict,
    assessment_save,
    assignment_create,
    assignment_declare,
    assignment_remove,
)
from funding.workflow import TRANSITIONS
from healthyplaces.core.forms import add_service_errors, rebind_with_version
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate

PER_PAGE = 25


@login_required
def assessments_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "funding/assignment_list.html", paginate(request, assignment_list(user=request.user), PER_PAGE)
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before an assessor sees an application they say whether they have a conflict of interest;
    they are shown only who is applying and for what, so they can tell."""
    assignment = get_assignment_for_user(user=request.user, pk=pk)
    if assignment.declared_at is not None:
        return redirect("funding:assessments" if assignment.has_conflict else assignment.get_absolute_url())
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assignment_declare(
                actor=request.user,
                assignment=assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data["conflict_details"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if assignment.has_conflict:
                messages.info(request, "Thank you. You will not assess this application; the officer has been told.")
                return redirect("funding:assessments")
            return redirect(assignment.get_absolute_url())
    return render(request, "funding/assignment_declare.html", {"assignment": assignment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_user(user=request.user, pk=pk)
    if assignment.declared_at is None:
        return redirect("funding:assessment_declare", pk=assignment.pk)
    if not assignment.may_assess:
        raise PermissionDenied("You declared a conflict of interest with this application")
    application = get_application_for_user(user=request.user, pk=assignment.application_id)
    mine = next(a for a in application.assignments.all() if a.pk == assignment.pk)
    criteria = list(application.round.criteria.all())
    conflict = False
    if request.method == "POST" and mine.submitted_at is None:
        form = ScoreForm(request.POST, criteria=criteria)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                problems = assessment_save(
                    actor=request.user,
                    assignment=mine,
                    scores=form.scores(),
                    submit=submit,
                    expected_version=form.cleaned_data["version"],
                )
            except AssessmentConflict:
                conflict = True
                form = rebind_with_version(
                    lambda data: ScoreForm(data, criteria=criteria),
                    request.POST,
                    version=Assignment.objects.get(pk=mine.pk).version,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not problems:
                    messages.success(
                        request, "Your scores have been sent" if submit else "Your scores have been saved as a draft"
                    )
                    return redirect("funding:assessments" if submit else assignment.get_absolute_url())
                # Saved as typed; the form carries the new version and says what is missing.
                form = rebind_with_version(
                    lambda data: ScoreForm(data, criteria=criteria),
                    request.POST,
                    version=Assignment.objects.get(pk=mine.pk).version,
                )
                for name, message in problems.items():
                    form.add_error(name, message)
    else:
        initial: dict[str, object] = {"version": mine.version}
        for score in mine.scores.all():
            initial[f"score_{score.criterion_id}"] = "" if score.score is None else str(score.score)
            initial[f"comment_{score.criterion_id}"] = score.comment
        form = ScoreForm(initial=initial, criteria=criteria)
    return render(
        request,
        "funding/assignment_score.html",
        {
            "assignment": mine,
            "application": application,
            "answers": answers(application),
            "form": form,
            "conflict": conflict,
            "others": [a for a in application.assignments.all() if a.submitted_at and a.pk != mine.pk]
            if mine.submitted_at
            else [],
        },
    )


@login_required
@require_POST
def assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    application = get_application_for_user(user=request.user, pk=pk)
    form = AssignAssessorForm(request.POST, assessors=assessors_to_assign(application))
    if form.is_valid():
        try:
            assignment = assignment_create(
                actor=request.user, application=application, assessor=form.cleaned_data["assessor"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{assignment.assessor} has been asked to assess {application}")
    else:
        messages.error(request, " ".join(str(message) for message in form.errors["assessor"]))
    return redirect(f"{application.get_absolute_url()}#assessment")


@login_required
@require_POST
def unassign_view(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    if not can_manage_applications(request.user):
        raise PermissionDenied
    application = get_application_for_user(user=request.user, pk=pk)
    assignment = get_object_or_404(application.assignments.all(), pk=assignment_pk)
    try:
        assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{assignment.assessor} is no longer assessing {application}")
    return redirect(f"{application.get_absolute_url()}#assessment")


@login_required
def panels_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "funding/round_panels.html", paginate(request, rounds_for_staff(user=request.user), PER_PAGE)
    )


def panel_page(
    request: AuthenticatedHttpRequest, pk: int, failed: TransitionForm | None = None, failed_pk: int | None = None
) -> HttpResponse:
    """One page of the panel. The whole round is ranked (and the running budget worked out) before
    paging, so ranks and "left if all above are awarded" carry on from page to page; only a page's
    rows are rendered, each undecided one with its approve form. A refused approval comes back on
    the page holding its row."""
    panel = round_panel(user=request.user, pk=pk)
    paginator = Paginator(panel.rows, PER_PAGE)
    number: Any = request.GET.get("page")
    if failed_pk is not None:
        number = next((n // PER_PAGE + 1 for n, row in enumerate(panel.rows) if row.application.pk == failed_pk), 1)
    page = paginator.get_page(number)
    first = page.start_index() - 1
    # What is left once every undecided application on the pages before this one is awarded.
    carried = panel.rows[first - 1].remaining_after if first > 0 else panel.remaining
    approve = TRANSITIONS["approve"]
    rows = []
    for rank, row in enumerate(page.object_list, start=first + 1):
        form = None
        if not row.decided:
            if failed is not None and failed_pk == row.application.pk:
                form = failed
            else:
                form = TransitionForm(
                    transition=approve,
                    auto_id=f"id_approve{row.application.pk}_%s",
                    initial={"name": "approve", "amount": row.application.amount_requested, "return_to": "panel"},
                )
        rows.append((rank, row, form))
    return render(
        request,
        "funding/round_panel.html",
        # Over budget is said in words, so the sum after it is written without its minus sign.
        {"panel": panel, "rows": rows, "page": page, "carried": carried, "carried_over_by": -carried, "form": failed},
    )


@login_required
def panel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return panel_page(request, pk)
