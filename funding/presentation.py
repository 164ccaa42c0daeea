"""Read-only shaping of an application for its pages: task-list statuses, check-your-answers rows,
and submit problems as error-summary links. Nothing here writes or queries beyond what the
application selector has already fetched."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse

from funding.forms import StartForm
from funding.models import Application, Assignment, Attachment, Round
from funding.selectors import weighted_percent
from funding.services import Section, sections_for
from funding.workflow import State
from healthyplaces.accounts.models import Organisation
from healthyplaces.core.formats import money

COMPLETED = "Completed"
IN_PROGRESS = "In progress"
NOT_STARTED = "Not yet started"

# Words carry the state; colour only repeats it (red is kept for errors).
STATE_TAGS: dict[str, str] = {
    State.DRAFT: "govuk-tag--grey",
    State.SUBMITTED: "govuk-tag--blue",
    State.ELIGIBLE: "govuk-tag--light-blue",
    State.INELIGIBLE: "govuk-tag--pink",
    State.IN_ASSESSMENT: "govuk-tag--light-blue",
    State.MORE_INFORMATION: "govuk-tag--yellow",
    State.APPROVED: "govuk-tag--green",
    State.DECLINED: "govuk-tag--pink",
    State.OFFER_ACCEPTED: "govuk-tag--green",
    State.PAID: "govuk-tag--green",
    State.REPORT_DUE: "govuk-tag--orange",
    State.REPORT_RECEIVED: "govuk-tag--turquoise",
    State.CLOSED: "govuk-tag--grey",
    State.WITHDRAWN: "govuk-tag--grey",
}

LABELS: dict[str, str] = {
    "group_description": "About your group",
    "contact_phone": "Contact phone number",
    "project_title": "Project name",
    "project_summary": "What the project will do",
    "project_outcomes": "The difference it will make",
    "starts_on": "Start date",
    "ends_on": "End date",
    "priority": "Community priority",
    "wards": "Wards",
    "amount_requested": "Amount requested",
    "declares_accurate": "The information is accurate",
    "declares_safeguarding": "The group has a safeguarding policy",
    "declares_data_protection": "Agrees to how the council uses the information",
}


def state_tag_class(state: str) -> str:
    return STATE_TAGS.get(state, "govuk-tag--grey")


def section_url(application: Application, key: str) -> str:
    return reverse("funding:section", kwargs={"pk": application.pk, "section": key})


def _has_value(application: Application, name: str) -> bool:
    if name == "wards":
        return bool(application.wards.all())
    if name == "priority":
        return application.priority_id is not None
    value = getattr(application, name)
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return bool(value)
    return value is not None and value is not False


def section_status(application: Application, section: Section) -> str:
    if section.key in application.sections_done:
        return COMPLETED
    started = any(_has_value(application, name) for name in section.fields)
    if section.key == "budget":
        started = started or bool(application.budget_lines.all())
    if section.key == "documents":
        started = bool(application.attachments.all())
    return IN_PROGRESS if started else NOT_STARTED


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    status: str
    url: str


def task_list(application: Application) -> list[Task]:
    return [
        Task(section.key, section.title, section_status(application, section), section_url(application, section.key))
        for section in sections_for(application.round)
    ]


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Row:
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class SectionAnswers:
    key: str
    title: str
    url: str
    rows: list[Row]


def _display(application: Application, name: str) -> Row:
    label = LABELS[name]
    value: Any = getattr(application, name) if name not in ("wards", "priority") else None
    if name == "wards":
        return Row(label, items=[str(ward) for ward in application.wards.all()] or ["None selected"])
    if name == "priority":
        return Row(label, str(application.priority) if application.priority_id else "None selected")
    if name == "amount_requested":
        return Row(label, money(value, none="Not given"))
    if isinstance(value, bool):
        return Row(label, "Yes" if value else "No")
    if hasattr(value, "strftime"):
        return Row(label, f"{value:%-d %B %Y}")
    return Row(label, str(value).strip() or "Not given")


def _eligibility(application: Application) -> list[Row]:
    """A row per question; an answer that does not meet the round's rule says so in words."""
    rows = []
    for question in application.round.eligibility_questions.all():
        answer = application.eligibility_answers.get(str(question.pk))
        if answer is None:
            rows.append(Row(question.text, "Not answered"))
            continue
        text = "Yes" if answer else "No"
        if answer != question.eligible_answer:
            text += " (does not meet this round's rule)"
        rows.append(Row(question.text, text))
    return rows


def answers(application: Application) -> list[SectionAnswers]:
    """Check-your-answers rows, per section, in task-list order."""
    out = []
    for section in sections_for(application.round):
        if section.key == "eligibility":
            out.append(
                SectionAnswers(
                    section.key, section.title, section_url(application, section.key), _eligibility(application)
                )
            )
            continue
        rows = [_display(application, name) for name in section.fields]
        if section.key == "budget":
            lines = [f"{line.item}: {money(line.amount)}" for line in application.budget_lines.all()]
            rows.append(Row("Budget lines", items=lines or ["None added"]))
        if section.key == "documents":
            rows.extend(_documents(application))
        out.append(SectionAnswers(section.key, section.title, section_url(application, section.key), rows))
    return out


def _documents(application: Application) -> list[Row]:
    """A row per kind of document, each file a download link for those who may see it."""
    rows = []
    for kind, label in Attachment.Kind.choices:
        links = [
            Link(attachment.original_name, attachment.get_absolute_url())
            for attachment in application.attachments.all()
            if attachment.kind == kind
        ]
        if links or kind != Attachment.Kind.OTHER:
            rows.append(Row(str(label), "" if links else "Not uploaded", links=links))
    return rows


@dataclass(frozen=True)
class Problem:
    message: str
    href: str = ""


def problems_from(application: Application, error: ValidationError) -> list[Problem]:
    """A submit refusal as error-summary items, each linking to the section that fixes it."""
    sections = sections_for(application.round)
    owner = {name: section.key for section in sections for name in section.fields}
    owner["budget_lines"] = "budget"
    owner.update({f"question_{q.pk}": "eligibility" for q in application.round.eligibility_questions.all()})
    owner.update({kind: "documents" for kind in Attachment.Kind.values})
    owner.update({section.key: section.key for section in sections})
    if not hasattr(error, "error_dict"):
        return [Problem(message) for message in error.messages]
    problems: list[Problem] = []
    for key, errors in error.message_dict.items():
        href = section_url(application, owner[key]) if key in owner else ""
        problems.extend(Problem(message, href) for message in errors)
    return problems


@dataclass(frozen=True)
class RoundEntry:
    round: Round
    is_open: bool
    form: StartForm | None


def rounds_with_start_forms(
    rounds: Iterable[Round], organisations: QuerySet[Organisation] | None, failed: StartForm | None
) -> list[RoundEntry]:
    """The public rounds, each open one with a start button for a group member (their failed
    form, errors and all, on the round they tried)."""
    entries = []
    for round_ in rounds:
        form = None
        if organisations and round_.is_open():
            if failed is not None and failed.data.get("round") == str(round_.pk):
                form = failed
            else:
                form = StartForm(
                    rounds=Round.objects.filter(pk=round_.pk),
                    organisations=organisations,
                    auto_id=f"id_round{round_.pk}_%s",
                    initial={"round": round_.pk},
                )
        entries.append(RoundEntry(round_, round_.is_open(), form))
    return entries


def paid_total(application: Application) -> Decimal:
    """What has been paid of the grant so far, from the payments the application selector
    prefetched."""
    return sum((payment.amount for payment in application.payments.all()), start=Decimal(0))


@dataclass(frozen=True)
class AssessmentLine:
    assignment: Assignment
    score: Decimal | None


def assessment_overview(application: Application) -> tuple[list[AssessmentLine], Decimal | None]:
    """Each assessor's weighted score and the mean of the sent ones, from what the application
    selector prefetched (no further queries)."""
    total_weight = sum(criterion.weight for criterion in application.round.criteria.all())
    lines = []
    total_points, sent = 0, 0
    for assignment in application.assignments.all():
        score = None
        if assignment.submitted_at is not None:
            points = sum((s.score or 0) * s.criterion.weight for s in assignment.scores.all())
            score = weighted_percent(points, 1, total_weight)
            total_points, sent = total_points + points, sent + 1
        lines.append(AssessmentLine(assignment, score))
    # Rounded once, from the exact total, as the panel does, so both pages show the same figure.
    return lines, weighted_percent(total_points, sent, total_weight)
