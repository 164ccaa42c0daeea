from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from actions.models import Action, ActionUpdate, Milestone


class MilestoneInline(admin.TabularInline[Milestone, Action]):
    """Milestones are added and marked done by the update form (action_update), on the timeline."""

    model = Milestone
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Action | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Action: the plan's 18 actions come from its own words (load_plan_actions); status, progress,
# review dates and milestones move only through the update form (action_update), so they are
# read-only here and nothing is added or deleted. Leads, partners, themes and the public summary
# have no service: edited here.
@admin.register(Action)
class ActionAdmin(admin.ModelAdmin[Action]):
    list_display = ("number", "title", "status", "progress", "next_review_date")
    list_filter = ("status", "themes")
    search_fields = ("title", "text")
    filter_horizontal = ("lead_officers", "partners", "themes")
    readonly_fields = ("number", "text", "status", "progress", "next_review_date", "version", "updated_at")
    fields = (
        "number",
        "title",
        "text",
        "lead_officers",
        "partners",
        "themes",
        "review_frequency",
        "target_date",
        "public_summary",
        "status",
        "progress",
        "next_review_date",
        "version",
        "updated_at",
    )
    inlines = (MilestoneInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The plan has 18 actions, loaded from its own words; status moves through the update form.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Action | None = None) -> bool:
        return False


# ActionUpdate: the action's timeline; written by action_update, never changed here.
@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin[ActionUpdate]):
    list_display = ("action", "author", "created_at", "old_status", "new_status")
    list_filter = ("new_status",)
    list_select_related = ("action", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ActionUpdate | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ActionUpdate | None = None) -> bool:
        return False
