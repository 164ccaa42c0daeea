"""Places and the activities groups run there, shaped as Open Referral UK (HSDS UK profile)
tables, for directories to reuse: organization, service, location, service_at_location, with
physical_address and accessibility_for_disabilities for the places. Nothing about a person is in
it: no connectors, no conversations, no one's name. Only places where a group runs an activity are
listed: a place carried over from an insight's free text is never published by accident."""

import uuid
from typing import Any

from django.conf import settings

from connectors.models import Activity, Place
from healthyplaces.accounts.models import Organisation

# Stable identifiers: ORUK ids are UUIDs, so each record's is derived from the portal's address
# and its own key, and stays the same from one export to the next.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "healthyplaces:open-referral")


def oruk_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{settings.SITE_URL}/{kind}/{pk}"))


def _location(place: Place) -> dict[str, Any]:
    return {
        "id": oruk_id("location", place.pk),
        "name": place.name,
        "description": place.get_kind_display(),
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
    }


def _organization(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": oruk_id("organization", organisation.pk),
        "name": organisation.name,
        "description": organisation.get_type_display(),
        "url": None,
    }


def open_referral_data() -> dict[str, list[dict[str, Any]]]:
    places = list(Place.objects.filter(activities__isnull=False).distinct().order_by("pk"))
    activities = list(Activity.objects.select_related("organisation").order_by("pk"))
    organisations = {activity.organisation.pk: activity.organisation for activity in activities}
    return {
        "organization": [_organization(org) for _, org in sorted(organisations.items())],
        "service": [
            {
                "id": oruk_id("service", activity.pk),
                "organization_id": oruk_id("organization", activity.organisation_id),
                "name": activity.name,
                "description": activity.description,
                "status": activity.status,
            }
            for activity in activities
        ],
        "location": [_location(place) for place in places],
        "service_at_location": [
            {
                "id": oruk_id("service_at_location", activity.pk),
                "service_id": oruk_id("service", activity.pk),
                "location_id": oruk_id("location", activity.place_id),
            }
            for activity in activities
        ],
        "physical_address": [
            {
                "id": oruk_id("physical_address", place.pk),
                "location_id": oruk_id("location", place.pk),
                "address_1": place.address.replace("\r\n", ", ").replace("\n", ", "),
                "postal_code": place.postcode,
                "country": "GB",
            }
            for place in places
            # address_1 is required in a physical_address: a place without one has only its position.
            if place.address
        ],
        "accessibility_for_disabilities": [
            {
                "id": oruk_id("accessibility", place.pk),
                "location_id": oruk_id("location", place.pk),
                "accessibility": place.accessibility,
            }
            for place in places
            if place.accessibility
        ],
    }
