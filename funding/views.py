from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from funding.assessment_views import panel_page
from funding.forms import (
    SECTION_FORMS,
    AssignAssessorForm,
    AttachmentForm,
    BudgetSectionForm,
    DocumentsSectionForm,
    SectionForm,
    StartForm,
    TransitionForm,
)
from funding.models import Application
from funding.permissions import can_apply, can_assess, can_manage_applications
from funding.presentation import (
    COMPLETED,
    answers,
    assessment_overview,
    paid_total,
    problems_from,
    rounds_with_start_forms,
    section_url,
    task_list,
)
from funding.selectors import (
    application_list,
    assessors_to_assign,
    get_application_for_user,
    open_rounds,
    rounds_for_public,
)
from funding.services import (
    ASSIGNABLE,
    REPORTABLE,
    ApplicationConflict,
    DraftExists,
    PaymentDetails,
    application_save_section,
    application_start,
    application_transition,
    attachment_add,
    attachment_remove,
    sections_for,
)
from funding.workflow import APPLICANT, EDITABLE, TRANSITIONS, State, actor_kinds, transitions_for
from healthyplaces.accounts.models import User
from healthyplaces.accounts.reauthentication import sensitive_operation
from healthyplaces.core.forms import add_service_errors, rebind_with_version
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate
from healthyplaces.core.private_files import private_file_response
from healthyplaces.core.submissions import submitted_once

PER_PAGE = 25
SUBMIT_STEPS = ("submit", "resubmit")
# Steps taken on pages of their own: check your answers, the withdraw confirmation, the report.
OWN_PAGE_STEPS = (*SUBMIT_STEPS, "withdraw", "submit_report")


def _rounds_page(request: HttpRequest, failed: StartForm | None = None) -> HttpResponse:
    user = request.user
    applicant = isinstance(user, User) and can_apply(user)
    organisations = user.organisations.order_by("name") if isinstance(user, User) and applicant else None
    rounds = rounds_with_start_forms(rounds_for_public().prefetch_related("priorities"), organisations, failed)
    return render(
        request,
        "funding/round_list.html",
        {"rounds": rounds, "applicant": applicant, "has_groups": bool(organisations), "form": failed},
    )


def rounds_view(request: HttpRequest) -> HttpResponse:
    return _rounds_page(request)


@login_required
@require_POST
@submitted_once
def start_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_apply(request.user):
        raise PermissionDenied
    round_id = request.POST.get("round", "")
    form = StartForm(
        request.POST,
        rounds=open_rounds(),
        organisations=request.user.organisations.order_by("name"),
        auto_id=f"id_round{round_id if round_id.isdigit() else 'x'}_%s",
    )
    if form.is_valid():
        try:
            application = application_start(
                actor=request.user,
                round_=form.cleaned_data["round"],
                organisation=form.cleaned_data["organisation"],
                another=form.cleaned_data["another"],
            )
        except DraftExists as exists:
            return render(request, "funding/start_another.html", {"draft": exists.draft})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(application.get_absolute_url())
    if "round" in form.errors:
        messages.error(request, "That round is not open for applications")
        return redirect("funding:rounds")
    return _rounds_page(request, failed=form)


def _require_funding_user(request: AuthenticatedHttpRequest) -> None:
    """People with no part in funding are refused outright; others get 404 for what is not theirs."""
    if not (can_apply(request.user) or can_manage_applications(request.user) or can_assess(request.user)):
        raise PermissionDenied


def get_application_and_kinds(request: AuthenticatedHttpRequest, pk: int) -> tuple[Application, frozenset[str]]:
    _require_funding_user(request)
    application = get_application_for_user(user=request.user, pk=pk)
    kinds = actor_kinds(request.user, organisation_member_ids=[m.pk for m in application.organisation.members.all()])
    return application, kinds


@login_required
def applications_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = application_list(user=request.user)
    return render(
        request,
        "funding/application_list.html",
        {**paginate(request, applications, PER_PAGE), "applicant": can_apply(request.user)},
    )


def _application_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    kinds: frozenset[str],
    failed: TransitionForm | None = None,
) -> HttpResponse:
    steps = [t for t in transitions_for(application.state, kinds) if t.name not in OWN_PAGE_STEPS]
    forms = [
        failed if failed is not None and failed.transition.name == step.name else TransitionForm(transition=step)
        for step in steps
    ]
    manager = can_manage_applications(request.user)
    assessments, mean_score = assessment_overview(application) if manager else ([], None)
    report = application.report if hasattr(application, "report") else None
    assign_form = None
    if manager and application.state in ASSIGNABLE:
        # One query answers both whether there is anyone to assign and whom the form offers.
        assessors = list(assessors_to_assign(application))
        assign_form = AssignAssessorForm(assessors=assessors) if assessors else None
    task_view = APPLICANT in kinds and application.state in EDITABLE
    tasks = task_list(application) if task_view else []
    last_request = None
    if application.state == State.MORE_INFORMATION:
        requests = [event for event in application.events.all() if event.to_state == State.MORE_INFORMATION]
        last_request = requests[-1] if requests else None
    return render(
        request,
        "funding/application_detail.html",
        {
            "application": application,
            "task_view": task_view,
            "tasks": tasks,
            "all_done": bool(tasks) and all(task.status == COMPLETED for task in tasks),
            "answers": [] if task_view else answers(application),
            "events": application.events.all(),
            "transition_forms": forms,
            "last_request": last_request,
            "form": failed,
            "can_withdraw": TRANSITIONS["withdraw"] in transitions_for(application.state, kinds),
            "manager": manager,
            "assessments": assessments,
            "mean_score": mean_score,
            "assign_form": assign_form,
            "can_assign": manager and application.state in ASSIGNABLE,
            "payments": application.payments.all(),
            "paid": paid_total(application),
            "report": report if report is not None and (manager or APPLICANT in kinds) else None,
            "report_open": APPLICANT in kinds and application.state in REPORTABLE,
        },
    )


@login_required
def application_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    return _application_page(request, application, kinds)


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def section_view(request: AuthenticatedHttpRequest, pk: int, section: str) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    titles = {s.key: s.title for s in sections_for(application.round)}
    if section not in titles:
        raise Http404("No such section")
    if APPLICANT not in kinds:
        raise PermissionDenied
    if application.state not in EDITABLE:
        messages.info(request, "This application has been sent, so its answers can no longer be changed")
        return redirect(application.get_absolute_url())
    if section == "documents":
        return _documents_page(request, application, titles[section])
    form_class = SECTION_FORMS[section]
    conflict = False
    if request.method == "POST":
        saved, form, conflict = _save_section(
            request, application, section, titles[section], lambda data: form_class(data, application=application)
        )
        if saved is not None:
            return saved
    else:
        form = form_class(initial=form_class.initial_for(application, section), application=application)
    template = "funding/section_budget.html" if isinstance(form, BudgetSectionForm) else "funding/section.html"
    return render(
        request,
        template,
        {"application": application, "form": form, "title": titles[section], "conflict": conflict},
    )


def _save_section(
    request: AuthenticatedHttpRequest,
    application: Application,
    section: str,
    title: str,
    make_form: Callable[[QueryDict], SectionForm],
) -> tuple[HttpResponse | None, SectionForm, bool]:
    """Save a section's posted answers. Returns the redirect when they are saved and complete
    enough; otherwise None, the form to show again (the answers as typed, the version now saved
    and each problem) and whether another member's save got there first."""
    form = make_form(request.POST)
    if not form.is_valid():
        return None, form, False
    try:
        problems = application_save_section(
            actor=request.user,
            application=application,
            section=section,
            values=form.values(),
            completed=form.cleaned_data["completed"] == "yes",
            expected_version=form.cleaned_data["version"],
            budget_lines=form.budget_lines(),
        )
    except ApplicationConflict:
        current = Application.objects.values_list("version", flat=True).get(pk=application.pk)
        return None, rebind_with_version(make_form, request.POST, version=current), True
    if not problems:
        messages.success(request, f"Your answers to “{title}” have been saved")
        return redirect(application.get_absolute_url()), form, False
    form = rebind_with_version(make_form, request.POST, version=application.version)
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)
    return None, form, False


def _check_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    kinds: frozenset[str],
    error: ValidationError | None = None,
) -> HttpResponse:
    steps = [t for t in transitions_for(application.state, kinds) if t.name in SUBMIT_STEPS]
    return render(
        request,
        "funding/check.html",
        {
            "application": application,
            "answers": answers(application),
            "submit": steps[0] if steps else None,
            "can_change": APPLICANT in kinds and application.state in EDITABLE,
            "problems": problems_from(application, error) if error is not None else [],
        },
    )


@login_required
def check_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    return _check_page(request, application, kinds)


# Steps that commit or move grant money.
MONEY_STEPS = frozenset({"approve", "record_payment"})


@login_required
@require_POST
@sensitive_operation(when=lambda request: request.POST.get("name") in MONEY_STEPS)
def transition_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    transition = TRANSITIONS.get(request.POST.get("name", ""))
    if transition is None:
        raise Http404("No such step")
    form = TransitionForm(request.POST, transition=transition)
    if not form.is_valid():
        if form.data.get("return_to") == "panel":
            return panel_page(request, application.round_id, failed=form, failed_pk=application.pk)
        return _application_page(request, application, kinds, failed=form)
    data = form.cleaned_data
    try:
        updated = application_transition(
            actor=request.user,
            application=application,
            name=transition.name,
            note=data.get("note", ""),
            amount=data.get("amount"),
            conditions=data.get("conditions", ""),
            payment=PaymentDetails(data.get("amount"), data.get("paid_on"), data.get("reference", ""))
            if transition.needs_payment
            else None,
            due_on=data.get("due_on"),
        )
    except ValidationError as error:
        application, kinds = get_application_and_kinds(request, pk)
        if transition.name in SUBMIT_STEPS:
            return _check_page(request, application, kinds, error)
        add_service_errors(form, error)
        if form.cleaned_data.get("return_to") == "panel":
            return panel_page(request, application.round_id, failed=form, failed_pk=application.pk)
        return _application_page(request, application, kinds, failed=form)
    if transition.name in SUBMIT_STEPS:
        return redirect("funding:submitted", pk=updated.pk)
    messages.success(request, f"{updated} is now: {State(updated.state).label}")
    if data.get("return_to") == "panel":
        # Back to the panel page the approval was made from (the row stays where it ranked).
        page = request.POST.get("page", "")
        query = f"?page={page}" if page.isdigit() and int(page) > 1 else ""
        return redirect(reverse("funding:panel", kwargs={"pk": updated.round_id}) + query)
    return redirect(updated.get_absolute_url())


@login_required
def withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Are you sure? Withdrawing cannot be undone, so the group confirms on a page of its own."""
    application, kinds = get_application_and_kinds(request, pk)
    withdraw = TRANSITIONS["withdraw"]
    if withdraw not in transitions_for(application.state, kinds):
        raise PermissionDenied
    return render(
        request,
        "funding/application_withdraw.html",
        {"application": application, "form": TransitionForm(transition=withdraw)},
    )


@login_required
def submitted_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, _ = get_application_and_kinds(request, pk)
    if not application.reference:
        return redirect(application.get_absolute_url())
    return render(request, "funding/submitted.html", {"application": application})


# --- documents ------------------------------------------------------------------------------------


def _documents_page(request: AuthenticatedHttpRequest, application: Application, title: str) -> HttpResponse:
    """The documents section: upload one file at a time (action=upload), remove any, and say
    whether the section is complete like every other section."""
    here = section_url(application, "documents")
    upload = AttachmentForm()
    completion: SectionForm = DocumentsSectionForm(
        initial=DocumentsSectionForm.initial_for(application, "documents"), application=application
    )
    failed: AttachmentForm | SectionForm | None = None
    conflict = False
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload = AttachmentForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                attachment = attachment_add(
                    actor=request.user,
                    application=application,
                    kind=upload.cleaned_data["kind"],
                    uploaded=upload.cleaned_data["file"],
                )
            except ValidationError as error:
                add_service_errors(upload, error)
            else:
                messages.success(request, f"“{attachment.original_name}” has been uploaded")
                return redirect(here)
        failed = upload
    elif request.method == "POST":
        saved, completion, conflict = _save_section(
            request, application, "documents", title, lambda data: DocumentsSectionForm(data, application=application)
        )
        if saved is not None:
            return saved
        failed = completion
    return render(
        request,
        "funding/section_documents.html",
        {
            "application": application,
            "title": title,
            "attachments": application.attachments.all(),
            "upload": upload,
            "completion": completion,
            "form": failed,
            "conflict": conflict,
        },
    )


@login_required
@require_POST
def attachment_remove_view(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application, kinds = get_application_and_kinds(request, pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    if APPLICANT not in kinds:
        raise PermissionDenied
    try:
        attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(application.get_absolute_url())
    messages.success(request, f"“{attachment.original_name}” has been removed")
    return redirect(section_url(application, "documents"))


@login_required
def attachment_view(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """Hand out a document to those who may see its application: its group and staff. Anyone else,
    assessors included until they are assigned, gets 404, as for the application itself."""
    application = get_application_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
