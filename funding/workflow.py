"""The grant application workflow, declared as data: the states, the transitions between them and
who may make each. Services check it; templates read it to offer only the moves a person may make.

"applicant" means a member of the applying organisation; the other actors are portal roles."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ELIGIBLE = "eligible", "Eligibility checked: passed"
    INELIGIBLE = "ineligible", "Eligibility checked: not eligible"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    MORE_INFORMATION = "more_information", "More information requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    OFFER_ACCEPTED = "offer_accepted", "Offer accepted"
    PAID = "paid", "Paid"
    REPORT_DUE = "report_due", "Report due"
    REPORT_RECEIVED = "report_received", "Report received"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


APPLICANT = "applicant"
STAFF = frozenset({Role.PROGRAMME_ADMIN.value, Role.COUNCIL_OFFICER.value})
BEFORE_DECISION = frozenset({State.DRAFT, State.SUBMITTED, State.ELIGIBLE, State.IN_ASSESSMENT, State.MORE_INFORMATION})
# States in which an award counts against the round's budget.
AWARDED = (State.APPROVED, State.OFFER_ACCEPTED, State.PAID, State.REPORT_DUE, State.REPORT_RECEIVED, State.CLOSED)
# States in which the group may still change its answers.
EDITABLE = frozenset({State.DRAFT, State.MORE_INFORMATION})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs_note: bool = False
    needs_amount: bool = False
    # A payment (amount, date, reference) is recorded with the step.
    needs_payment: bool = False
    needs_due_date: bool = False


def _t(name: str, label: str, sources: Iterable[str], target: str, actors: Iterable[str], **extra: bool) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(actors), **extra)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", "Submit the application", [State.DRAFT], State.SUBMITTED, [APPLICANT]),
        _t("resubmit", "Send the information asked for", [State.MORE_INFORMATION], State.SUBMITTED, [APPLICANT]),
        _t("withdraw", "Withdraw the application", BEFORE_DECISION, State.WITHDRAWN, [APPLICANT]),
        _t("pass_eligibility", "Eligible", [State.SUBMITTED], State.ELIGIBLE, STAFF),
        _t("fail_eligibility", "Not eligible", [State.SUBMITTED], State.INELIGIBLE, STAFF, needs_note=True),
        _t("start_assessment", "Start assessment", [State.ELIGIBLE], State.IN_ASSESSMENT, STAFF),
        _t(
            "request_information",
            "Ask the group for more information",
            [State.SUBMITTED, State.IN_ASSESSMENT],
            State.MORE_INFORMATION,
            STAFF,
            needs_note=True,
        ),
        _t("approve", "Approve", [State.IN_ASSESSMENT], State.APPROVED, STAFF, needs_amount=True),
        _t("decline", "Decline", [State.IN_ASSESSMENT], State.DECLINED, STAFF, needs_note=True),
        _t("accept_offer", "Accept the offer", [State.APPROVED], State.OFFER_ACCEPTED, [APPLICANT]),
        # A grant may be paid in instalments: each payment is this step, the later ones from PAID.
        _t(
            "record_payment",
            "Record a payment",
            [State.OFFER_ACCEPTED, State.PAID],
            State.PAID,
            STAFF,
            needs_payment=True,
        ),
        _t(
            "request_report",
            "Ask for the end-of-grant report",
            [State.PAID],
            State.REPORT_DUE,
            STAFF,
            needs_due_date=True,
        ),
        _t("submit_report", "Send the end-of-grant report", [State.REPORT_DUE], State.REPORT_RECEIVED, [APPLICANT]),
        _t("close", "Close", [State.REPORT_RECEIVED], State.CLOSED, STAFF),
    )
}


def actor_kinds(user: User, *, organisation_member_ids: Iterable[int]) -> frozenset[str]:
    """What the user may act as on one application: its applicant (a community group member of the
    applying organisation) and their staff roles."""
    kinds = {role for role in user.role_names if role in STAFF}
    if user.has_role(Role.COMMUNITY_GROUP_MEMBER) and user.pk in set(organisation_member_ids):
        kinds.add(APPLICANT)
    return frozenset(kinds)


def transitions_for(state: str, kinds: frozenset[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actors & kinds]
