from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from actions.forms import ActionUpdateForm
from actions.models import Action
from actions.permissions import can_update_action
from actions.selectors import (
    action_list,
    action_loop_for_page,
    action_public_list,
    action_timeline,
    action_updates_since,
    get_action_for_user,
)
from actions.services import ActionConflict, NewMilestone, action_update
from healthyplaces.core.http import AuthenticatedHttpRequest


@login_required
def action_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    action_filter, actions = action_list(user=request.user, params=request.GET)
    return render(
        request,
        "actions/action_list.html",
        {"filter": action_filter, "actions": actions, "heading": "All actions", "mine": False},
    )


@login_required
def my_actions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    action_filter, actions = action_list(user=request.user, params=request.GET, mine=True)
    return render(
        request,
        "actions/action_list.html",
        {"filter": action_filter, "actions": actions, "heading": "My actions", "mine": True},
    )


@login_required
def action_detail_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    user = request.user
    action = get_action_for_user(user=user, number=number)
    before = request.GET.get("before", "")
    timeline = action_timeline(action=action, before=int(before) if before.isdigit() else None)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "timeline": timeline.updates,
            "older_than": timeline.older_than,
            "newer": before.isdigit(),
            "can_update": can_update_action(user, action),
            "closed_loop": action_loop_for_page(action=action),
        },
    )


def _refreshed_form_data(data: QueryDict, *, version: int) -> QueryDict:
    """The user's answers, as typed, carrying the version they have now been shown."""
    kept = data.copy()
    kept["version"] = str(version)
    return kept


@login_required
@require_http_methods(["GET", "POST"])
def action_update_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    user = request.user
    action = get_action_for_user(user=user, number=number, for_update=True)
    conflict_updates = None
    if request.method == "POST":
        form = ActionUpdateForm(request.POST, action=action)
        if form.is_valid():
            data = form.cleaned_data
            title = data["new_milestone_title"].strip()
            try:
                action_update(
                    actor=user,
                    action=action,
                    expected_version=data["version"],
                    status=data["status"],
                    progress=data["progress"],
                    next_review_date=data["next_review_date"],
                    narrative=data["narrative"],
                    done_milestone_ids=data.get("done_milestones", []),
                    new_milestone=NewMilestone(title, data["new_milestone_due"]) if title else None,
                )
            except ActionConflict as conflict:
                action = get_action_for_user(user=user, number=number, for_update=True)
                conflict_updates = list(action_updates_since(action=action, version=data["version"]))
                form = ActionUpdateForm(
                    _refreshed_form_data(request.POST, version=conflict.current_version), action=action
                )
                form.is_valid()
                form.add_error(
                    None,
                    "Someone else updated this action while you were editing. Your changes have not "
                    "been saved. Check what they changed below, then save again to keep your answers.",
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Action {action.number} updated")
                return redirect(action.get_absolute_url())
    else:
        form = ActionUpdateForm(action=action)
    return render(
        request,
        "actions/action_update.html",
        {"action": action, "form": form, "conflict_updates": conflict_updates},
    )


def progress_view(request: HttpRequest) -> HttpResponse:
    actions: list[Action] = list(action_public_list())
    return render(request, "actions/action_progress.html", {"actions": actions})
