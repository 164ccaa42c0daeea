from django.db.models import Q

from connectors.models import CheckIn, Connector, Conversation, ForumMeeting, ForumMember, MentoringPair
from healthyplaces.accounts.personal_data import ERASED_NAME
from healthyplaces.core.personal_data import PersonalData, Retention, register

FORMER_CONNECTOR = "Former connector"
FORMER_MEMBER = "Former forum member"

# A connector's own record (their name, languages, interests, training and DBS dates) is about
# them; the record stays, inactive, so the network's counts of conversations and wards hold.
# Conversations hold counts and themes, never who was there, so they stay whole; the name in a
# note or minutes others wrote goes with the erasure's search of every text column.
register(
    PersonalData(
        Connector,
        about="user",
        fields=("name", "languages", "interests", "trained_on", "dbs_checked_on", "active", "created_at"),
        erase={
            "name": ERASED_NAME,
            "languages": "",
            "interests": "",
            "trained_on": None,
            "dbs_checked_on": None,
            "active": False,
        },
    ),
    PersonalData(
        Conversation, about="connector__user", fields=("held_on", "place__name", "people_count", "notes", "created_at")
    ),
    PersonalData(
        ForumMember, about="user", fields=("name", "joined_on", "active"), erase={"name": ERASED_NAME, "active": False}
    ),
    PersonalData(ForumMeeting, about="recorded_by", fields=("held_on", "attendance", "created_at")),
    # A pair is about both of its people; the check-ins are the pair's shared record and stay.
    PersonalData(MentoringPair, about="statutory_leader", fields=("started_on", "status", "created_at")),
    PersonalData(MentoringPair, about="vcse_leader", fields=("started_on", "status", "created_at")),
    PersonalData(CheckIn, about="recorded_by", fields=("pair__started_on", "held_on", "note")),
    # No leaving date is kept: a connector who is inactive, joined before the cut-off and has held
    # no conversation since has been gone at least that long. Their conversations stay counted.
    Retention(
        Connector,
        expired=lambda cutoff: (
            Q(active=False, created_at__lt=cutoff)
            & ~Q(conversations__held_on__gte=cutoff.date())
            & ~Q(name=FORMER_CONNECTOR, languages="", interests="", trained_on=None, dbs_checked_on=None, user=None)
        ),
        clear={
            "name": FORMER_CONNECTOR,
            "languages": "",
            "interests": "",
            "trained_on": None,
            "dbs_checked_on": None,
            "user": None,
        },
        description="names, languages, interests and training and DBS dates of connectors who left",
    ),
    Retention(
        ForumMember,
        expired=lambda cutoff: Q(active=False, joined_on__lt=cutoff.date()) & ~Q(name=FORMER_MEMBER, user=None),
        clear={"name": FORMER_MEMBER, "user": None},
        description="names of forum members who left",
    ),
)
