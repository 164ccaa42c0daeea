from collections.abc import Callable
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from connectors import open_referral as oruk
from connectors.forms import (
    CheckInForm,
    ConnectorForm,
    ConversationForm,
    ForumMeetingForm,
    ForumMemberForm,
    MentoringPairForm,
    PairStatusForm,
    PlaceForm,
    insight_initial_from,
)
from connectors.models import Connector, Place
from connectors.permissions import (
    can_add_place,
    can_change_place,
    can_manage_connectors,
    can_manage_forum_members,
    can_manage_mentoring,
    can_record_conversation,
    can_record_for_any_connector,
    can_record_forum_meeting,
    can_view_conversations,
    can_view_forum,
    is_in_pair,
)
from connectors.selectors import (
    connector_list,
    connectors_user_may_record_for,
    conversation_list,
    coverage_since,
    forum_meeting_list,
    forum_members,
    get_connector_for_user,
    get_conversation_for_user,
    get_forum_meeting_for_user,
    get_mentoring_pair_for_user,
    get_place_for_user,
    mentoring_pair_list,
    place_list,
    place_recent_conversations,
    places_on_map,
    ward_coverage,
)
from connectors.services import (
    ConnectorsConflict,
    check_in_add,
    connector_create,
    connector_update,
    conversation_create,
    conversation_raise_insight,
    forum_meeting_create,
    forum_member_add,
    mentoring_pair_create,
    mentoring_pair_set_status,
    place_create,
    place_update,
)
from healthyplaces.accounts.permissions import sees_exact_counts
from healthyplaces.core.forms import add_service_errors
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate
from healthyplaces.core.submissions import submitted_once
from insights.forms import InsightForm
from insights.permissions import can_add_insight

PER_PAGE = 25


class HasUrl(Protocol):
    def get_absolute_url(self) -> str: ...


CONFLICT = (
    "Someone else changed this while you were editing. Your changes have not been saved; "
    "check the page, then save again to keep your answers."
)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    save: Callable[[], HasUrl],
    done: str,
    template: str,
    context: dict[str, Any],
    current_version: Callable[[], int] | None = None,
) -> HttpResponse:
    """A GOV.UK form page: on a valid POST call save(); a conflict or a validation error goes back
    to the form with every answer kept, and success goes to the saved record."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ConnectorsConflict:
            if current_version is not None:
                # The next save is then a deliberate choice to overwrite what the other person saved.
                data = request.POST.copy()
                data["version"] = str(current_version())
                form.data = data
            form.add_error(None, CONFLICT)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    return render(request, template, {"form": form, **context})


def _list_page(
    request: AuthenticatedHttpRequest, template: str, listed: tuple[Any, QuerySet[Any]], **context: Any
) -> HttpResponse:
    """A filtered, paginated list: the FilterSet and its rows, as the list's selector returns them."""
    list_filter, rows = listed
    return render(request, template, {**paginate(request, rows, PER_PAGE), "filter": list_filter, **context})


def _edit_page(
    request: AuthenticatedHttpRequest,
    record: Place | Connector,
    form: PlaceForm | ConnectorForm,
    update: Callable[[int], HasUrl],
    done: str,
    template: str,
) -> HttpResponse:
    """Changing a record others may change at the same time: update(expected_version) claims the
    next version or raises ConnectorsConflict, and the form then shows the version now saved."""
    return _form_page(
        request,
        form,
        lambda: update(form.cleaned_data["version"] or 0),
        done,
        template,
        {"heading": f"Change {record}", "back": record.get_absolute_url()},
        current_version=lambda: type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk),
    )


def _map_settings() -> dict[str, str]:
    return {"map_tile_url": settings.MAP_TILE_URL, "map_attribution": settings.MAP_ATTRIBUTION}


@login_required
def coverage_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = ward_coverage(user=request.user, today=today)
    places = places_on_map(user=request.user)
    return render(
        request,
        "connectors/coverage.html",
        {
            "rows": rows,
            "since": coverage_since(today),
            "today": today,
            "places": places,
            "exact_counts": sees_exact_counts(request.user),
            **_map_settings(),
        },
    )


# --- places ---------------------------------------------------------------------------------------


@login_required
def place_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "connectors/place_list.html",
        place_list(user=request.user, params=request.GET),
        can_add=can_add_place(request.user),
        **_map_settings(),
    )


@login_required
def place_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    place = get_place_for_user(user=request.user, pk=pk)
    return render(
        request,
        "connectors/place_detail.html",
        {
            "place": place,
            "conversations": place_recent_conversations(user=request.user, place=place),
            "activities": place.activities.select_related("organisation"),
            "can_change": can_change_place(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def place_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_add_place(request.user):
        raise PermissionDenied
    form = PlaceForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: place_create(actor=request.user, fields=form.to_fields()),
        "Place added",
        "connectors/place_form.html",
        {"heading": "Add a place", "back": reverse("connectors:places")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    place = get_place_for_user(user=request.user, pk=pk)
    if not can_change_place(request.user):
        raise PermissionDenied
    form = PlaceForm(request.POST or None, initial=PlaceForm.initial_for(place))
    return _edit_page(
        request,
        place,
        form,
        lambda version: place_update(
            actor=request.user, place=place, expected_version=version, fields=form.to_fields()
        ),
        "Place updated",
        "connectors/place_form.html",
    )


# --- connectors -----------------------------------------------------------------------------------


@login_required
def connector_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "connectors/connector_list.html",
        connector_list(user=request.user, params=request.GET),
        can_manage=can_manage_connectors(request.user),
    )


@login_required
def connector_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connector = get_connector_for_user(user=request.user, pk=pk)
    return render(
        request,
        "connectors/connector_detail.html",
        {"connector": connector, "can_manage": can_manage_connectors(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def connector_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_connectors(request.user):
        raise PermissionDenied
    form = ConnectorForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: connector_create(actor=request.user, fields=form.to_fields()),
        "Connector added",
        "connectors/connector_form.html",
        {"heading": "Add a connector", "back": reverse("connectors:connectors")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def connector_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connector = get_connector_for_user(user=request.user, pk=pk)
    if not can_manage_connectors(request.user):
        raise PermissionDenied
    form = ConnectorForm(request.POST or None, initial=ConnectorForm.initial_for(connector))
    return _edit_page(
        request,
        connector,
        form,
        lambda version: connector_update(
            actor=request.user, connector=connector, expected_version=version, fields=form.to_fields()
        ),
        "Connector updated",
        "connectors/connector_form.html",
    )


# --- conversations --------------------------------------------------------------------------------


@login_required
def conversation_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "connectors/conversation_list.html",
        conversation_list(user=request.user, params=request.GET),
        can_record=can_record_conversation(request.user),
    )


@login_required
def conversation_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(user=request.user, pk=pk)
    return render(request, "connectors/conversation_detail.html", {"conversation": conversation})


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def conversation_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (can_record_conversation(request.user) and can_view_conversations(request.user)):
        raise PermissionDenied
    connectors = connectors_user_may_record_for(request.user)
    if not connectors.exists():
        return render(request, "connectors/conversation_no_connector.html", status=200)
    form = ConversationForm(
        request.POST or None, connectors=connectors, own_only=not can_record_for_any_connector(request.user)
    )
    return _form_page(
        request,
        form,
        lambda: conversation_create(actor=request.user, fields=form.to_fields()),
        "Conversation recorded",
        "connectors/conversation_form.html",
        {"heading": "Record a conversation", "back": reverse("connectors:conversations")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def conversation_raise_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(user=request.user, pk=pk)
    if not can_add_insight(request.user):
        raise PermissionDenied
    form = InsightForm(request.POST or None, initial=insight_initial_from(conversation))
    if request.method == "POST" and form.is_valid():
        try:
            insight = conversation_raise_insight(actor=request.user, conversation=conversation, fields=form.to_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Insight “{insight.title}” raised")
            if request.POST.get("another"):
                return redirect("connectors:raise_insights", pk=conversation.pk)
            return redirect(conversation)
    return render(
        request,
        "connectors/conversation_raise.html",
        {
            "form": form,
            "conversation": conversation,
            "heading": "Raise an insight",
            "back": conversation.get_absolute_url(),
        },
    )


# --- the Open Referral UK 3.0 API: public and read-only (places and activities hold no personal data) ---

OrukView = Callable[..., dict[str, Any]]


def _oruk_json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"indent": 2, "ensure_ascii": False})
    # Any directory's web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _oruk_endpoint(view: OrukView) -> Callable[..., JsonResponse]:
    """GET only; what the view returns as JSON, a missing record as a JSON 404 and a bad page
    request as a JSON 400, each readable from any origin."""

    def endpoint(request: HttpRequest, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _oruk_json({"detail": "This API is read-only: use GET."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return _oruk_json(view(request, **kwargs))
        except Http404:
            return _oruk_json({"detail": "Not found."}, status=404)
        except oruk.BadPageRequest as error:
            return _oruk_json({"detail": str(error)}, status=400)

    endpoint.__name__ = endpoint.__qualname__ = view.__name__
    endpoint.__doc__ = view.__doc__
    endpoint.__module__ = view.__module__
    # Nothing is ever written, so there is no forgery to guard against: a POST is told 405 here
    # rather than 403 by the CSRF check.
    return csrf_exempt(endpoint)


def open_referral_moved_view(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The old single-file export, which no Open Referral reader could use, moved to the API's
    root. Readable from any origin, as it was, so a directory's page that fetched it follows."""
    response = HttpResponsePermanentRedirect(reverse("connectors:open_referral"))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@_oruk_endpoint
def open_referral_view(request: HttpRequest) -> dict[str, Any]:
    return oruk.api_details()


@_oruk_endpoint
def open_referral_page_view(request: HttpRequest, collection: str) -> dict[str, Any]:
    """A page of services, service_at_locations or organizations (`collection`, set by the URL)."""
    return oruk.collection_page(collection, request.GET)


@_oruk_endpoint
def open_referral_record_view(request: HttpRequest, collection: str, record_id: str) -> dict[str, Any]:
    """One service, service_at_location or organization, fully nested."""
    return oruk.collection_record(collection, record_id)


# --- the community forum --------------------------------------------------------------------------


@login_required
def forum_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "connectors/forum_meeting_list.html",
        forum_meeting_list(user=request.user, params=request.GET),
        members=forum_members(user=request.user),
        can_record=can_record_forum_meeting(request.user),
        can_manage_members=can_manage_forum_members(request.user),
    )


@login_required
def forum_meeting_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_forum_meeting_for_user(user=request.user, pk=pk)
    return render(request, "connectors/forum_meeting_detail.html", {"meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def forum_meeting_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (can_record_forum_meeting(request.user) and can_view_forum(request.user)):
        raise PermissionDenied
    form = ForumMeetingForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: forum_meeting_create(actor=request.user, fields=form.to_fields()),
        "Forum meeting recorded",
        "connectors/forum_meeting_form.html",
        {"heading": "Record a forum meeting", "back": reverse("connectors:forum")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def forum_member_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_forum_members(request.user):
        raise PermissionDenied
    form = ForumMemberForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: forum_member_add(actor=request.user, **form.cleaned_data),
        "Member added to the forum",
        "connectors/forum_member_form.html",
        {"heading": "Add a forum member", "back": reverse("connectors:forum")},
    )


# --- mentoring ------------------------------------------------------------------------------------


@login_required
def mentoring_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "connectors/mentoring_pair_list.html",
        mentoring_pair_list(user=request.user, params=request.GET),
        can_manage=can_manage_mentoring(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def mentoring_pair_add_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_manage_mentoring(request.user):
        raise PermissionDenied
    form = MentoringPairForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: mentoring_pair_create(actor=request.user, **form.cleaned_data),
        "Mentoring pair set up",
        "connectors/mentoring_pair_form.html",
        {"heading": "Set up a mentoring pair", "back": reverse("connectors:mentoring")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def mentoring_pair_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pair's page, where either of the two records a check-in or changes the status."""
    pair = get_mentoring_pair_for_user(user=request.user, pk=pk)
    in_pair = is_in_pair(request.user, pair)
    # Two forms on the page; a hidden "form" field says which was sent.
    sent = request.POST.get("form") if request.method == "POST" else None
    check_in_form = CheckInForm(request.POST if sent == "check_in" else None, prefix="check_in")
    status_form = PairStatusForm(
        request.POST if sent == "status" else None, initial={"status": pair.status}, prefix="pair"
    )
    if request.method == "POST":
        if not (in_pair or (sent == "status" and can_manage_mentoring(request.user))):
            raise PermissionDenied
        if sent == "check_in" and check_in_form.is_valid():
            check_in_add(actor=request.user, pair=pair, **check_in_form.cleaned_data)
            messages.success(request, "Check-in recorded")
            return redirect(pair)
        if sent == "status" and status_form.is_valid():
            mentoring_pair_set_status(actor=request.user, pair=pair, status=status_form.cleaned_data["status"])
            messages.success(request, "Status updated")
            return redirect(pair)
    return render(
        request,
        "connectors/mentoring_pair_detail.html",
        {
            "pair": pair,
            "in_pair": in_pair,
            "form": check_in_form,
            "status_form": status_form,
            "can_change_status": in_pair or can_manage_mentoring(request.user),
        },
    )
