"""Writes to seed-fund applications. The task-list sections save as the group goes; submitting and
every later move go through the workflow in funding.workflow."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.urls import reverse
from django.utils import timezone

from funding.files import check_upload
from funding.models import (
    MAX_SCORE,
    Application,
    ApplicationEvent,
    Assignment,
    Attachment,
    BudgetLine,
    GrantReport,
    Payment,
    ReportSpend,
    Round,
    Score,
)
from funding.permissions import can_assess, can_manage_applications
from funding.workflow import APPLICANT, AWARDED, EDITABLE, TRANSITIONS, State, actor_kinds
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from healthyplaces.core.formats import money
from healthyplaces.core.links import absolute_url
from healthyplaces.notifications.services import notification_queue
from insights.models import Insight
from insights.services import InsightFields, insight_create


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[str, ...]


SECTIONS = (
    Section("eligibility", "Eligibility", ("eligibility_answers",)),
    Section("group", "About your group", ("group_description", "contact_phone")),
    Section(
        "project", "Your project", ("project_title", "project_summary", "project_outcomes", "starts_on", "ends_on")
    ),
    Section("priority", "Priority and wards", ("priority", "wards")),
    Section("budget", "Budget", ("amount_requested",)),
    Section("declarations", "Declarations", ("declares_accurate", "declares_safeguarding", "declares_data_protection")),
    Section("documents", "Documents", ()),
)
QUICK_RESPONSE_SECTIONS = ("eligibility", "group", "project", "budget", "declarations", "documents")
# Documents every application must include, with what to tell a group that has not sent one.
REQUIRED_ATTACHMENTS = {
    Attachment.Kind.CONSTITUTION: "Upload your group's constitution",
    Attachment.Kind.SAFEGUARDING_POLICY: "Upload your safeguarding policy",
}
MAX_ATTACHMENTS = 20


def sections_for(round_: Round) -> list[Section]:
    """Quick-response rounds have a shorter form: no priority section. Rounds without eligibility
    questions have no eligibility section."""
    keys = QUICK_RESPONSE_SECTIONS if round_.quick_response else [section.key for section in SECTIONS]
    if not round_.eligibility_questions.all():
        keys = [key for key in keys if key != "eligibility"]
    return [section for section in SECTIONS if section.key in keys]


def section_problems(application: Application, key: str) -> dict[str, str]:
    """What stops a section being complete, by field, in words the group can act on."""
    problems: dict[str, str] = {}
    a = application
    if key == "eligibility":
        for question in a.round.eligibility_questions.all():
            if str(question.pk) not in a.eligibility_answers:
                problems[f"question_{question.pk}"] = f"Answer “{question.text}”"
    elif key == "group" and not a.group_description.strip():
        problems["group_description"] = "Tell us about your group"
    elif key == "project":
        if not a.project_title.strip():
            problems["project_title"] = "Enter a name for your project"
        if not a.project_summary.strip():
            problems["project_summary"] = "Describe your project"
        if a.starts_on and a.ends_on and a.ends_on < a.starts_on:
            problems["ends_on"] = "The end date must be the same as or after the start date"
    elif key == "priority":
        if a.priority_id is None and a.round.priorities.exists():
            problems["priority"] = "Select the community priority your project works on"
        if not a.wards.exists():
            problems["wards"] = "Select at least one ward your project serves"
    elif key == "budget":
        problems.update(_budget_problems(a))
    elif key == "declarations":
        for name, message in (
            ("declares_accurate", "Confirm the information you have given is accurate"),
            ("declares_safeguarding", "Confirm your group has a safeguarding policy it follows"),
            ("declares_data_protection", "Confirm you agree to how we use your information"),
        ):
            if not getattr(a, name):
                problems[name] = message
    elif key == "documents":
        kinds = {attachment.kind for attachment in a.attachments.all()}
        problems.update({kind: message for kind, message in REQUIRED_ATTACHMENTS.items() if kind not in kinds})
    return problems


def _budget_problems(application: Application) -> dict[str, str]:
    round_ = application.round
    amount = application.amount_requested
    if amount is None:
        return {"amount_requested": "Enter the amount you are asking for"}
    if amount < round_.minimum_award or amount > round_.maximum_award:
        low, high = round_.minimum_award, round_.maximum_award
        return {"amount_requested": f"The amount must be between {money(low)} and {money(high)}"}
    lines_total = application.budget_lines.aggregate(total=Sum("amount"))["total"]
    if lines_total is None:
        return {"budget_lines": "Add at least one line to your budget"}
    if lines_total != amount:
        message = f"Your budget lines add up to {money(lines_total)}, not the {money(amount)} you are asking for"
        return {"budget_lines": message}
    return {}


def _kinds(actor: User, application: Application) -> frozenset[str]:
    return actor_kinds(actor, organisation_member_ids=application.organisation.members.values_list("pk", flat=True))


class DraftExists(Exception):
    """The group already has a draft for this round; starting another must be asked for."""

    def __init__(self, draft: Application) -> None:
        super().__init__(f"{draft} is a draft to the same round")
        self.draft = draft


@transaction.atomic
def application_start(*, actor: User, round_: Round, organisation: Organisation, another: bool = False) -> Application:
    """One draft per group per round, unless the group says it means to start another: ten clicks
    of Start make one draft, however close together."""
    if not actor.has_role(Role.COMMUNITY_GROUP_MEMBER) or not organisation.members.filter(pk=actor.pk).exists():
        raise PermissionDenied("Only a member of the group can apply for it")
    if not round_.is_open():
        raise ValidationError("This round is not open for applications")
    # The group's row is locked until this transaction ends, so simultaneous starts by its members
    # are decided one after the other, each seeing the draft the one before made.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    draft = Application.objects.filter(round=round_, organisation=organisation, state=State.DRAFT).first()
    if draft is not None and not another:
        raise DraftExists(draft)
    return Application.objects.create(round=round_, organisation=organisation, created_by=actor)


class ApplicationConflict(Exception):
    """Someone else in the group saved this application after the form was loaded."""


@transaction.atomic
def application_save_section(
    *,
    actor: User,
    application: Application,
    section: str,
    values: dict[str, Any],
    completed: bool,
    expected_version: int,
    budget_lines: Sequence[tuple[str, Decimal]] | None = None,
) -> dict[str, str]:
    """Save the section's answers whatever they are (nothing typed is lost), and mark it complete
    only if it is. Returns the problems that stop it being complete."""
    if APPLICANT not in _kinds(actor, application):
        raise PermissionDenied("Only the group's members can change its application")
    if application.state not in EDITABLE:
        raise ValidationError("This application can no longer be changed")
    keys = {s.key: s for s in sections_for(application.round)}
    if section not in keys:
        raise ValidationError("No such section")
    claimed = Application.objects.filter(pk=application.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise ApplicationConflict
    application.version = expected_version + 1
    wards = values.pop("wards", None)
    for name, value in values.items():
        if name not in keys[section].fields:
            raise ValidationError(f"{name} is not part of the {keys[section].title} section")
        setattr(application, name, value)
    if wards is not None:
        application.wards.set(wards)
    if budget_lines is not None:
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=application, item=item, amount=amount) for item, amount in budget_lines
        )
    problems = section_problems(application, section) if completed else {}
    done = [key for key in application.sections_done if key != section]
    if completed and not problems:
        done.append(section)
    application.sections_done = done
    application.save()
    return problems


def _record(application: Application, actor: User, name: str, source: str, note: str) -> None:
    transition = TRANSITIONS[name]
    ApplicationEvent.objects.create(
        application=application, actor=actor, transition=name, from_state=source, to_state=transition.target, note=note
    )
    for member in application.organisation.members.filter(is_active=True):
        notification_queue(
            recipient=member,
            kind="application_update",
            key=f"application:{application.pk}:{application.version}:{member.pk}",
            template="application_update",
            context={
                "application": application,
                "state_label": State(transition.target).label,
                "note": note,
                "url": absolute_url(application.get_absolute_url()),
            },
        )


@dataclass(frozen=True)
class PaymentDetails:
    amount: Decimal | None
    paid_on: datetime.date | None
    reference: str = ""


@transaction.atomic
def application_transition(
    *,
    actor: User,
    application: Application,
    name: str,
    note: str = "",
    amount: Decimal | None = None,
    conditions: str = "",
    payment: PaymentDetails | None = None,
    due_on: datetime.date | None = None,
) -> Application:
    """Move the application along the workflow if this actor may make this move from its state."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError("No such step")
    if not transition.actors & _kinds(actor, application):
        raise PermissionDenied("You cannot make this step")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in transition.sources:
        raise ValidationError(f"An application that is {State(locked.state).label.lower()} cannot take this step")
    note = note.strip()
    if transition.needs_note and not note:
        raise ValidationError({"note": "Give a reason the group will read"})
    source = locked.state
    if name in ("submit", "resubmit"):
        _check_submittable(locked)
    if transition.needs_amount:
        _check_award(locked, amount)
        locked.amount_awarded = amount
        locked.decision_conditions = conditions.strip()
    if transition.needs_payment:
        paid = _record_payment(locked, actor, payment)
        note = "\n".join(filter(None, [f"{money(paid.amount)} paid on {paid.paid_on:%-d %B %Y}", note]))
    if transition.needs_due_date:
        if due_on is None:
            raise ValidationError({"due_on": "Enter the date the report is due"})
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": "The date the report is due must be today or in the future"})
        locked.report_due_on = due_on
    if name == "submit_report":
        _check_report_sendable(locked)
        GrantReport.objects.filter(application=locked).update(submitted_at=timezone.now())
    if name in ("decline", "fail_eligibility"):
        locked.decision_reason = note
    if transition.target in (State.APPROVED, State.DECLINED):
        locked.decided_at = timezone.now()
    if name == "submit":
        locked.submitted_at = timezone.now()
        locked.reference = f"HP-{timezone.localdate():%Y}-{locked.pk:05d}"
    locked.state = transition.target
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    _record(locked, actor, name, source, note)
    return locked


def _check_submittable(application: Application, today: datetime.date | None = None) -> None:
    if not application.round.is_open(today):
        raise ValidationError(
            "The round closed on " + f"{application.round.closes_on:%-d %B %Y}; applications can no longer be submitted"
        )
    problems: dict[str, str] = {}
    for section in sections_for(application.round):
        if section.key not in application.sections_done:
            problems[section.key] = f"Complete the {section.title.lower()} section"
        else:
            problems.update(section_problems(application, section.key))
    if problems:
        raise ValidationError(problems)


def _record_payment(application: Application, actor: User, payment: PaymentDetails | None) -> Payment:
    """A payment never takes the total paid beyond the award."""
    if payment is None or payment.amount is None or payment.amount <= 0:
        raise ValidationError({"amount": "Enter the amount paid"})
    if payment.paid_on is None:
        raise ValidationError({"paid_on": "Enter the date it was paid"})
    if payment.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The date it was paid must be today or in the past"})
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    left = (application.amount_awarded or Decimal(0)) - paid
    if payment.amount > left:
        raise ValidationError(
            {"amount": f"Only {money(left)} of the {money(application.amount_awarded or 0)} award is left to pay"}
        )
    return Payment.objects.create(
        application=application,
        amount=payment.amount,
        paid_on=payment.paid_on,
        reference=payment.reference.strip(),
        recorded_by=actor,
    )


def _awards(round_id: int) -> tuple[Decimal, Decimal]:
    """The round's awards so far: their total and the largest."""
    totals = Application.objects.filter(round_id=round_id, state__in=AWARDED).aggregate(
        total=Sum("amount_awarded"), largest=Max("amount_awarded")
    )
    return totals["total"] or Decimal(0), totals["largest"] or Decimal(0)


def _check_award(application: Application, amount: Decimal | None) -> None:
    round_ = Round.objects.select_for_update().get(pk=application.round_id)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount awarded"})
    if amount > round_.maximum_award:
        raise ValidationError(
            {"amount": f"The award cannot be more than the round's maximum of {money(round_.maximum_award)}"}
        )
    # The round row is locked, so two panel members approving at once are counted one after the other.
    awarded, _ = _awards(round_.pk)
    remaining = round_.budget - awarded
    if amount > remaining:
        raise ValidationError({"amount": f"Only {money(remaining)} of the round's budget is left"})


@transaction.atomic
def round_limit_problems(*, round_: Round, budget: Decimal, maximum_award: Decimal) -> dict[str, str]:
    """What is wrong with giving the round this budget and maximum award, given what it has awarded.

    The round's row stays locked until the caller's transaction ends (the admin site saves the round
    in the same one), as _check_award locks it: an award approved while the limits are lowered is
    counted one after the other, so neither can slip under the other's check."""
    problems: dict[str, str] = {}
    if round_.pk is None:
        return problems
    Round.objects.select_for_update().filter(pk=round_.pk).first()
    awarded, largest = _awards(round_.pk)
    if budget < awarded:
        problems["budget"] = f"The budget cannot be less than the £{awarded:,.2f} already awarded from this round"
    if maximum_award < largest:
        problems["maximum_award"] = (
            f"The maximum award cannot be less than the largest award already made, £{largest:,.2f}"
        )
    return problems


def _check_attachable(actor: User, application: Application) -> Application:
    if APPLICANT not in _kinds(actor, application):
        raise PermissionDenied("Only the group's members can change its application")
    # Locked, so two members adding or removing at once see each other's files.
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in EDITABLE:
        raise ValidationError("This application can no longer be changed")
    return locked


@transaction.atomic
def attachment_add(*, actor: User, application: Application, kind: str, uploaded: UploadedFile) -> Attachment:
    """Keep a document with the application, if it is one we accept by its content (funding.files)."""
    locked = _check_attachable(actor, application)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "Select what the document is"})
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"An application can have at most {MAX_ATTACHMENTS} documents"})
    try:
        file_type = check_upload(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = Attachment(
        application=locked,
        kind=kind,
        original_name=(uploaded.name or "document")[-255:],
        content_type=file_type.content_type,
        size=uploaded.size or 0,
        uploaded_by=actor,
    )
    uploaded.seek(0)
    attachment.file.save(uploaded.name or "document", uploaded, save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    """Remove a document; the documents section is no longer complete if a required one has gone."""
    locked = _check_attachable(actor, attachment.application)
    Attachment.objects.filter(pk=attachment.pk, application=locked).delete()
    if "documents" in locked.sections_done and section_problems(locked, "documents"):
        locked.sections_done = [key for key in locked.sections_done if key != "documents"]
        locked.save(update_fields=["sections_done", "updated_at"])
    # Its file goes from the store once this commits (healthyplaces.core.private_files).


ROUND_CLOSING_NOTICE_DAYS = 3


@transaction.atomic
def round_closing_reminders_queue(*, today: datetime.date) -> int:
    """Tell every member of a group with an unsubmitted application, once, when its round closes
    within three days. Returns how many emails were queued."""
    drafts = (
        Application.objects.filter(
            state__in=EDITABLE,
            round__closes_on__gte=today,
            round__closes_on__lte=today + datetime.timedelta(days=ROUND_CLOSING_NOTICE_DAYS),
        )
        .select_related("round")
        .prefetch_related("organisation__members")
    )
    queued = 0
    for application in drafts:
        closes = application.round.closes_on
        for member in application.organisation.members.all():
            if not member.is_active:
                continue
            queued += bool(
                notification_queue(
                    recipient=member,
                    kind="round_closing",
                    key=f"round-closing:{application.pk}:{closes.isoformat()}:{member.pk}",
                    template="round_closing",
                    context={
                        "application": application,
                        "closes_on": closes,
                        "days_left": (closes - today).days,
                        "url": absolute_url(application.get_absolute_url()),
                    },
                )
            )
    return queued


# --- assessment -----------------------------------------------------------------------------------

# States in which assessors may be assigned, and in which they may score.
ASSIGNABLE = frozenset({State.SUBMITTED, State.ELIGIBLE, State.IN_ASSESSMENT})
SCORING = frozenset({State.IN_ASSESSMENT})


@transaction.atomic
def assignment_create(*, actor: User, application: Application, assessor: User) -> Assignment:
    """An officer asks an assessor to assess the application; the assessor hears by email."""
    if not can_manage_applications(actor):
        raise PermissionDenied("Only officers can assign assessors")
    if not (assessor.is_active and assessor.has_role(Role.ASSESSOR)):
        raise ValidationError({"assessor": "Select an assessor"})
    if application.state not in ASSIGNABLE:
        raise ValidationError(
            f"Assessors cannot be assigned to an application that is {State(application.state).label.lower()}"
        )
    if application.organisation.members.filter(pk=assessor.pk).exists():
        raise ValidationError({"assessor": f"{assessor} is a member of the applying group, so cannot assess it"})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(application=application, assessor=assessor, assigned_by=actor)
    except IntegrityError as duplicate:
        raise ValidationError({"assessor": f"{assessor} is already assessing this application"}) from duplicate
    notification_queue(
        recipient=assessor,
        kind="assessment_assigned",
        key=f"assessment-assigned:{assignment.pk}",
        template="assessment_assigned",
        context={
            "assignment": assignment,
            "application": application,
            "url": absolute_url(assignment.get_absolute_url()),
        },
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor: User, assignment: Assignment) -> None:
    """Take an assessor off an application before they have sent their scores."""
    if not can_manage_applications(actor):
        raise PermissionDenied("Only officers can change assessors")
    removed, _ = Assignment.objects.filter(pk=assignment.pk, submitted_at__isnull=True).delete()
    if not removed:
        raise ValidationError("This assessor has already sent their scores, so cannot be taken off")


def _own_assignment(actor: User, assignment: Assignment) -> Assignment:
    if assignment.assessor_id != actor.pk or not can_assess(actor):
        raise PermissionDenied("This is not your assessment")
    return Assignment.objects.select_for_update().get(pk=assignment.pk)


@transaction.atomic
def assignment_declare(*, actor: User, assignment: Assignment, has_conflict: bool, details: str = "") -> Assignment:
    """The assessor's conflict-of-interest declaration, made once, before they see the application."""
    locked = _own_assignment(actor, assignment)
    if locked.declared_at is not None:
        raise ValidationError("You have already made your declaration for this application")
    details = details.strip()
    if has_conflict and not details:
        raise ValidationError({"conflict_details": "Say what your conflict of interest is"})
    locked.has_conflict = has_conflict
    locked.conflict_details = details if has_conflict else ""
    locked.declared_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    return locked


class AssessmentConflict(Exception):
    """The assessment was saved elsewhere (another tab) after this form was loaded."""


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    assignment: Assignment,
    scores: dict[int, tuple[int | None, str]],
    submit: bool,
    expected_version: int,
) -> dict[str, str]:
    """Save every score and comment as typed; with submit, send them if every criterion is scored.
    Returns what stops them being sent, by criterion field name."""
    locked = _own_assignment(actor, assignment)
    if not locked.may_assess:
        raise PermissionDenied("You declared a conflict of interest, or have not declared yet")
    if locked.submitted_at is not None:
        raise ValidationError("You have already sent your scores for this application")
    if locked.application.state not in SCORING:
        raise ValidationError("This application is not being assessed now")
    if locked.version != expected_version:
        raise AssessmentConflict
    criteria = {criterion.pk: criterion for criterion in locked.application.round.criteria.all()}
    for criterion_id, (score, comment) in scores.items():
        if criterion_id not in criteria:
            raise ValidationError("That criterion is not one of this round's")
        if score is not None and not 0 <= score <= MAX_SCORE:
            raise ValidationError({f"score_{criterion_id}": f"Give a score from 0 to {MAX_SCORE}"})
        Score.objects.update_or_create(
            assignment=locked, criterion_id=criterion_id, defaults={"score": score, "comment": comment.strip()}
        )
    problems: dict[str, str] = {}
    if submit:
        scored = set(locked.scores.filter(score__isnull=False).values_list("criterion_id", flat=True))
        problems = {
            f"score_{pk}": f"Give a score for “{criterion.name}”"
            for pk, criterion in criteria.items()
            if pk not in scored
        }
        if not problems:
            locked.submitted_at = timezone.now()
    locked.version = F("version") + 1
    locked.save()
    return problems


# --- end-of-grant report --------------------------------------------------------------------------

REPORTABLE = frozenset({State.PAID, State.REPORT_DUE})


class ReportConflict(Exception):
    """Someone else in the group saved the report after this form was loaded."""


@dataclass(frozen=True)
class ReportAnswers:
    what_happened: str
    people_reached: int | None
    spend_notes: str
    story: str
    spend: dict[int, Decimal | None]


@transaction.atomic
def grant_report_save(
    *, actor: User, application: Application, answers: ReportAnswers, expected_version: int
) -> GrantReport:
    """Save the group's report as typed; grant_report_send also sends it."""
    if APPLICANT not in _kinds(actor, application):
        raise PermissionDenied("Only the group's members can write its report")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in REPORTABLE:
        raise ValidationError("The report can be written once the grant has been paid, and until it is sent")
    report, _ = GrantReport.objects.get_or_create(application=locked)
    if report.version != expected_version:
        raise ReportConflict
    report.what_happened = answers.what_happened.strip()
    report.people_reached = answers.people_reached
    report.spend_notes = answers.spend_notes.strip()
    report.story = answers.story.strip()
    report.version = F("version") + 1
    report.save()
    lines = set(locked.budget_lines.values_list("pk", flat=True))
    for line_id, spent in answers.spend.items():
        if line_id not in lines:
            raise ValidationError("That budget line is not part of this grant")
        if spent is None:
            ReportSpend.objects.filter(report=report, budget_line_id=line_id).delete()
        else:
            ReportSpend.objects.update_or_create(
                report=report, budget_line_id=line_id, defaults={"amount_spent": spent}
            )
    report.refresh_from_db()
    return report


@transaction.atomic
def grant_report_send(
    *, actor: User, application: Application, answers: ReportAnswers, expected_version: int
) -> dict[str, str]:
    """Save the group's report as typed and send it, in one transaction, so a send the workflow
    refuses leaves the report as it was. One refused only because answers are missing is kept as a
    draft, as saving would keep it (nothing typed is lost), and what is missing is returned."""
    grant_report_save(actor=actor, application=application, answers=answers, expected_version=expected_version)
    problems = report_problems(application)
    if problems:
        return problems
    application_transition(actor=actor, application=application, name="submit_report")
    return {}


def report_problems(application: Application) -> dict[str, str]:
    """What stops the report being sent, by field."""
    report = GrantReport.objects.filter(application=application).first()
    if report is None:
        return {"what_happened": "Tell us what happened"}
    problems: dict[str, str] = {}
    if not report.what_happened:
        problems["what_happened"] = "Tell us what happened"
    if report.people_reached is None:
        problems["people_reached"] = "Enter how many people the project reached"
    spent = set(report.spend.values_list("budget_line_id", flat=True))
    for line in application.budget_lines.all():
        if line.pk not in spent:
            problems[f"spent_{line.pk}"] = f"Enter what was spent on {line.item}"
    return problems


def _check_report_sendable(application: Application) -> None:
    problems = report_problems(application)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def grant_report_raise_insight(*, actor: User, report: GrantReport, fields: InsightFields) -> Insight:
    """An officer takes what a group reported into the insights bank, linked both ways."""
    if not can_manage_applications(actor):
        raise PermissionDenied("Only officers can raise insights from a report")
    if report.submitted_at is None:
        raise ValidationError("The report has not been sent yet")
    insight = insight_create(actor=actor, fields=fields)
    report.insights.add(insight)
    return insight


# --- reminders ------------------------------------------------------------------------------------

REPORT_DUE_NOTICE_DAYS = 7
ASSESSMENT_GRACE_DAYS = 7


def _remind_members(application: Application, *, kind: str, key: str, context: dict[str, Any]) -> int:
    queued = 0
    for member in application.organisation.members.all():
        if member.is_active:
            queued += bool(
                notification_queue(
                    recipient=member,
                    kind=kind,
                    key=f"{key}:{member.pk}",
                    template=kind,
                    context={
                        "application": application,
                        "url": absolute_url(application.get_absolute_url()),
                        **context,
                    },
                )
            )
    return queued


@transaction.atomic
def report_reminders_queue(*, today: datetime.date) -> int:
    """Grantees hear once when their report is due within a week, and once when it is overdue."""
    due = (
        Application.objects.filter(state=State.REPORT_DUE, report_due_on__isnull=False)
        .filter(report_due_on__lte=today + datetime.timedelta(days=REPORT_DUE_NOTICE_DAYS))
        .select_related("round")
        .prefetch_related("organisation__members")
    )
    queued = 0
    for application in due:
        due_on = application.report_due_on
        assert due_on is not None  # noqa: S101 - filtered above; for the type checker
        overdue = due_on < today
        queued += _remind_members(
            application,
            kind="report_overdue" if overdue else "report_due",
            key=f"report-{'overdue' if overdue else 'due'}:{application.pk}:{due_on.isoformat()}",
            context={"due_on": due_on, "days_left": (due_on - today).days},
        )
    return queued


@transaction.atomic
def assessment_reminders_queue(*, today: datetime.date) -> int:
    """Assessors with assessments outstanding for a week hear once a week, all of them in one email."""
    outstanding = (
        Assignment.objects.filter(
            submitted_at__isnull=True,
            # Only what can be scored now: before assessment starts there is nothing to do.
            application__state__in=SCORING,
            assigned_at__date__lte=today - datetime.timedelta(days=ASSESSMENT_GRACE_DAYS),
        )
        .exclude(has_conflict=True)
        .select_related("assessor", "application__organisation")
        .order_by("assessor_id", "assigned_at", "pk")
    )
    by_assessor: dict[User, list[Assignment]] = {}
    for assignment in outstanding:
        by_assessor.setdefault(assignment.assessor, []).append(assignment)
    year, week, _ = today.isocalendar()
    queued = 0
    for assessor, assignments in by_assessor.items():
        if not assessor.is_active:
            continue
        queued += bool(
            notification_queue(
                recipient=assessor,
                kind="assessments_outstanding",
                key=f"assessments-outstanding:{assessor.pk}:{year}-W{week:02d}",
                template="assessments_outstanding",
                context={
                    "assignments": assignments,
                    "url": absolute_url(reverse("funding:assessments")),
                },
            )
        )
    return queued
