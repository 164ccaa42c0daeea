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


class ContributionInline(admin.TabularInline[Contribution, Fund]):
    model = Contribution
    extra = 1


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin[Fund]):
    list_display = ("name",)
    inlines = (ContributionInline,)


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


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
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


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    """Read-only here: applications move through the workflow in the portal, never by editing."""

    list_display = ("__str__", "organisation", "round", "state", "amount_requested", "amount_awarded")
    list_filter = ("state", "round")
    search_fields = ("reference", "project_title", "organisation__name")
    inlines = (ApplicationEventInline,)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
