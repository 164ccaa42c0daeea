"""The seed fund in the admin site. What each model allows, and why, is said above its registration;
the rules are the services' own (funding.services), never a second copy of them."""

from typing import Any

from django import forms
from django.contrib import admin

from funding.models import (
    Application,
    ApplicationEvent,
    AssessmentCriterion,
    Contribution,
    EligibilityQuestion,
    Fund,
    Priority,
    Round,
)
from funding.services import round_limit_problems
from funding.workflow import State
from healthyplaces.core.admin_guards import GuardedDeleteAdmin


class ContributionInline(admin.TabularInline[Contribution, Fund]):
    model = Contribution
    extra = 1


# Fund: edited here (no service writes funds). Not deleted once partners have paid into it or it
# has rounds: the contributions are a record of money, and rounds hold applications.
@admin.register(Fund)
class FundAdmin(GuardedDeleteAdmin[Fund]):
    list_display = ("name",)
    inlines = (ContributionInline,)

    def deletion_refused(self, obj: Fund) -> str | None:
        if obj.contributions.exists():
            return "partners have paid into this fund"
        if obj.rounds.exists():
            return "this fund has rounds"
        return None


# Priority: edited here (no service writes priorities); applications that chose one protect it.
@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin[Priority]):
    list_display = ("title", "fund")
    list_filter = ("fund",)
    filter_horizontal = ("insights", "actions")


class CriterionInline(admin.TabularInline[AssessmentCriterion, Round]):
    model = AssessmentCriterion
    extra = 1


class EligibilityQuestionInline(admin.TabularInline[EligibilityQuestion, Round]):
    model = EligibilityQuestion
    extra = 1


class RoundAdminForm(forms.ModelForm[Round]):
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        budget, maximum_award = cleaned.get("budget"), cleaned.get("maximum_award")
        if budget is not None and maximum_award is not None:
            problems = round_limit_problems(round_=self.instance, budget=budget, maximum_award=maximum_award)
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned


# Round: set up here (there are no round pages in the portal), but its budget never drops below what
# it has awarded and its maximum award never below an award already made: the form asks the funding
# service (round_limit_problems), which locks the round as an award does. Applications protect it
# from deletion.
@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    form = RoundAdminForm
    list_display = ("name", "fund", "opens_on", "closes_on", "budget", "quick_response")
    list_filter = ("fund", "quick_response")
    filter_horizontal = ("priorities",)
    inlines = (EligibilityQuestionInline, CriterionInline)


class ApplicationEventInline(admin.TabularInline[ApplicationEvent, Application]):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "transition", "from_state", "to_state", "note", "created_at")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


# Application: read-only; it moves only through the workflow in the portal (funding.workflow). Only an
# untouched draft may be deleted: once submitted, awarded, paid or on the timeline it is the record
# of public money and of a group's dealings with the council (a group withdraws it in the portal).
@admin.register(Application)
class ApplicationAdmin(GuardedDeleteAdmin[Application]):
    list_display = ("__str__", "organisation", "round", "state", "amount_requested", "amount_awarded")
    list_filter = ("state", "round")
    search_fields = ("reference", "project_title", "organisation__name")
    inlines = (ApplicationEventInline,)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def deletion_refused(self, obj: Application) -> str | None:
        if obj.state != State.DRAFT:
            return "only a draft can be deleted; this application has been submitted"
        if obj.amount_awarded is not None or obj.payments.exists():
            return "it has an award or payments"
        if obj.events.exists():
            return "it has entries on its timeline"
        return None
