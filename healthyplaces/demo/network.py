"""Demo data for the connector network: a few places, the activities the demo group runs there
(which the Open Referral UK API publishes), the demo connector and one conversation. Idempotent
like the rest of seed_demo: what is there already is left as it is."""

import datetime
from decimal import Decimal

from connectors.models import Activity, Connector, Conversation, Ownership, Place, PlaceKind
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.vocabulary.models import Theme, Ward

# Two real Stockton-on-Tees ward names, without ONS codes: loading the real ward list later (by
# name) fills the codes in rather than adding duplicates.
DEMO_PLACES = (
    ("Stockton Town Centre", "Stockton Central Library", PlaceKind.LIBRARY, Ownership.COUNCIL, "54.56800", "-1.31600"),
    (
        "Stockton Town Centre",
        "Parkfield Community Hub",
        PlaceKind.COMMUNITY_CENTRE,
        Ownership.OWNERSHIP_TRIAL,
        "54.55900",
        "-1.31900",
    ),
    ("Norton North", "Norton Green Cafe", PlaceKind.CAFE, Ownership.COMMUNITY_OWNED, "", ""),
)


# (place, activity, description) the demo group runs.
DEMO_ACTIVITIES = (
    ("Stockton Central Library", "Story time", "Stories and rhymes for under-fives and their carers."),
    ("Parkfield Community Hub", "Coffee morning", "A weekly drop-in for anyone who wants company."),
    ("Norton Green Cafe", "Knit and natter", "Bring your own project, or learn from the group."),
)


def demo_network(*, connector_user: User, group: Organisation, today: datetime.date) -> None:
    """A few places and the group's activities there, the demo connector and one conversation, so
    the network's pages and the Open Referral UK API have content."""
    places = []
    for ward_name, name, kind, ownership, latitude, longitude in DEMO_PLACES:
        ward, _ = Ward.objects.get_or_create(name=ward_name)
        place, _ = Place.objects.get_or_create(
            name=name,
            defaults={
                "ward": ward,
                "kind": kind,
                "ownership": ownership,
                "latitude": Decimal(latitude) if latitude else None,
                "longitude": Decimal(longitude) if longitude else None,
            },
        )
        places.append(place)
    by_name = {place.name: place for place in places}
    for place_name, name, description in DEMO_ACTIVITIES:
        Activity.objects.get_or_create(
            organisation=group, place=by_name[place_name], name=name, defaults={"description": description}
        )
    connector, created = Connector.objects.get_or_create(
        user=connector_user, defaults={"name": connector_user.get_full_name(), "languages": "English, Urdu"}
    )
    if created:
        connector.wards.set({place.ward for place in places if place.ward})
        connector.places.set(places)
    if not connector.conversations.exists():
        conversation = Conversation.objects.create(
            connector=connector,
            place=places[1],
            held_on=today - datetime.timedelta(days=5),
            people_count=9,
            notes="Parents at the coffee morning said the walk to the park feels unsafe after dark.",
            recorded_by=connector_user,
        )
        conversation.themes.set(Theme.objects.all()[:1])
