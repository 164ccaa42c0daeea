"""The Open Referral UK 3.0 API (HSDS 3.0, UK profile), read-only and public: the places where
groups run activities, each activity as a service, and the groups as organizations, for
directories to reuse. Nothing about a person is in it: no connectors, no conversations, no one's
name. Only places where a group runs an activity are published, so a place carried over from an
insight's free text never is by accident.

Ids are the UUIDs stored on the rows (Organisation.uuid, Place.uuid, Activity.uuid and
Activity.service_at_location_uuid), so they stay the same whatever the settings. A place's
address and accessibility are not rows of their own: their ids are derived from the place's
stored UUID (uuid5), which keeps them as stable as the place's.

Field names, required fields and the page object follow the profile's compiled schemas and
OpenAPI file (see OPENREFERRAL-UK-SOURCE.md in the shared reference folder); an unknown value is
left out, never written as null. /organizations and /organizations/{id} are HSDS 3.0's: the UK
profile's OpenAPI file removes them (a profile's null deletes a path), but its compiled
organization schemas remain, and each response follows them."""

import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.http import Http404

from connectors.models import Activity, Place
from healthyplaces.accounts.models import Organisation

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

M = TypeVar("M", bound=Model)
Record = dict[str, Any]


class BadPageRequest(ValueError):
    """`page` or `per_page` is not a whole number of at least 1."""


@dataclass(frozen=True)
class PageRequest:
    number: int
    per_page: int


def page_request(params: Mapping[str, str]) -> PageRequest:
    """The page asked for. A per_page above MAX_PER_PAGE gets MAX_PER_PAGE: the page object says
    how many came (`size`) and how many pages there are at that size (`total_pages`)."""

    def whole(name: str, default: int) -> int:
        given = params.get(name)
        if not given:
            return default
        try:
            value = int(given)
        except ValueError:
            raise BadPageRequest(f"{name} must be a whole number") from None
        if value < 1:
            raise BadPageRequest(f"{name} must be 1 or more")
        return value

    return PageRequest(whole("page", 1), min(whole("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE))


def paged(queryset: QuerySet[M], request: PageRequest, record: Callable[[M], Record]) -> Record:
    """The profile's page object (components.schemas.Page) around one page of records: two
    queries, the count and the page, however many rows."""
    total = queryset.count()
    start = (request.number - 1) * request.per_page
    contents = [record(row) for row in queryset[start : start + request.per_page]] if start < total else []
    total_pages = math.ceil(total / request.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": request.number,
        "size": len(contents),
        "first_page": request.number == 1,
        "last_page": request.number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def api_details() -> Record:
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


# --- what is published (reads) -----------------------------------------------------------------------


def published_services() -> QuerySet[Activity]:
    return Activity.objects.select_related("organisation", "place").order_by("name", "pk")


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(Exists(Activity.objects.filter(organisation=OuterRef("pk")))).order_by(
        "name", "pk"
    )


def _get(queryset: QuerySet[M], **lookup: Any) -> M:
    """The row with this UUID, or 404; a malformed id is simply not found."""
    try:
        found = queryset.filter(**{key: uuid.UUID(str(value)) for key, value in lookup.items()}).first()
    except ValueError:
        found = None
    if found is None:
        raise Http404(f"No such {queryset.model._meta.verbose_name}")
    return found


def get_published_service(service_id: str) -> Activity:
    return _get(published_services(), uuid=service_id)


def get_published_service_at_location(link_id: str) -> Activity:
    return _get(published_services(), service_at_location_uuid=link_id)


def get_published_organisation(organization_id: str) -> Organisation:
    activities = Prefetch("activities", queryset=Activity.objects.select_related("place").order_by("name", "pk"))
    return _get(published_organisations().prefetch_related(activities), uuid=organization_id)


# --- records ------------------------------------------------------------------------------------------


def _optional(**fields: Any) -> Record:
    """Unknown values are left out: HSDS reads a missing field as unknown, and its schemas reject
    null for a number."""
    return {name: value for name, value in fields.items() if value not in (None, "")}


def organization_record(organisation: Organisation) -> Record:
    return {"id": str(organisation.uuid), "name": organisation.name, "description": organisation.get_type_display()}


def service_record(activity: Activity) -> Record:
    """The service's own fields and its organization: an item of a page of /services."""
    return {
        "id": str(activity.uuid),
        "organization_id": str(activity.organisation.uuid),
        "name": activity.name,
        **_optional(description=activity.description),
        "status": activity.status,
        "organization": organization_record(activity.organisation),
    }


def _address(place: Place) -> list[Record]:
    """An HSDS address needs a first line, town, county, postcode and country. The places form
    records the street address and postcode only, so the town and county are the area the portal
    serves (OPEN_REFERRAL_AREA). A place with a postcode but no street address (a park, say) is
    addressed by its name, as named premises are, so its postcode is kept; a place with neither
    has no address record, and its coordinates (if any) say where it is."""
    if not place.address.strip() and not place.postcode:
        return []
    lines = [line.strip() for line in place.address.splitlines() if line.strip()]
    return [
        {
            "id": str(uuid.uuid5(place.uuid, "address")),
            "location_id": str(place.uuid),
            "address_1": ", ".join(lines) or place.name,
            "city": settings.OPEN_REFERRAL_AREA,
            "state_province": settings.OPEN_REFERRAL_AREA,
            "postal_code": place.postcode,
            "country": "GB",
            "address_type": "physical",
        }
    ]


def location_record(place: Place, *, full: bool) -> Record:
    """A place as a physical location; `full` adds its address and accessibility."""
    record = {
        "id": str(place.uuid),
        "location_type": "physical",
        "name": place.name,
        "description": place.get_kind_display(),
        **_optional(
            latitude=None if place.latitude is None else float(place.latitude),
            longitude=None if place.longitude is None else float(place.longitude),
        ),
    }
    if full:
        record["addresses"] = _address(place)
        record["accessibility"] = []
        if place.accessibility.strip():
            record["accessibility"].append(
                {
                    "id": str(uuid.uuid5(place.uuid, "accessibility")),
                    "location_id": str(place.uuid),
                    "description": place.accessibility,
                }
            )
    return record


def service_at_location_record(activity: Activity, *, full: bool = False) -> Record:
    """An item of a page of /service_at_locations (the location without its address), or with
    `full` the whole link: the location with its address and accessibility, and the service."""
    record = {
        "id": str(activity.service_at_location_uuid),
        "service_id": str(activity.uuid),
        "location_id": str(activity.place.uuid),
        "location": location_record(activity.place, full=full),
    }
    if not full:
        record["service"] = service_record(activity)
    return record


def full_service_record(activity: Activity, *, with_organization: bool = True) -> Record:
    """/services/{id}: the service with its organization and where it runs. The portal records no
    times for an activity (a place's opening hours are not when an activity runs there), no
    contacts (they would be people) and no costs, so those lists are empty."""
    record = service_record(activity)
    if not with_organization:
        del record["organization"]
    return record | {
        "service_at_locations": [service_at_location_record(activity, full=True)],
        "schedules": [],
        "service_areas": [],
        "languages": [],
        "funding": [],
        "cost_options": [],
        "contacts": [],
        "attributes": [],
    }


def full_service_at_location_record(activity: Activity) -> Record:
    """/service_at_locations/{id}: the link with its full location and its service."""
    return service_at_location_record(activity, full=True) | {"service": service_record(activity)}


def full_organization_record(organisation: Organisation) -> Record:
    """/organizations/{id}: the organization and every service it runs, each where it runs."""
    services = []
    for activity in organisation.activities.all():
        activity.organisation = organisation  # already in hand: no query per service
        services.append(full_service_record(activity, with_organization=False))
    return organization_record(organisation) | {"organization_identifiers": [], "attributes": [], "services": services}


# --- the three collections, each as a page and by id --------------------------------------------------


@dataclass(frozen=True)
class Collection:
    rows: Callable[[], QuerySet[Any]]
    item: Callable[[Any], Record]  # an item of a page
    get: Callable[[str], Any]  # one row by its id, or 404
    full: Callable[[Any], Record]  # the row by itself, fully nested


COLLECTIONS = {
    "services": Collection(published_services, service_record, get_published_service, full_service_record),
    "service_at_locations": Collection(
        published_services,
        service_at_location_record,
        get_published_service_at_location,
        full_service_at_location_record,
    ),
    "organizations": Collection(
        published_organisations, organization_record, get_published_organisation, full_organization_record
    ),
}


def collection_page(collection: str, params: Mapping[str, str]) -> Record:
    found = COLLECTIONS[collection]
    return paged(found.rows(), page_request(params), found.item)


def collection_record(collection: str, record_id: str) -> Record:
    found = COLLECTIONS[collection]
    return found.full(found.get(record_id))
