from django.db.models import Q

from funding.models import Application, ApplicationEvent
from funding.workflow import State
from healthyplaces.core.personal_data import PersonalData, Retention, register

# Applications that are over: nothing more will happen to them.
FINISHED = (State.CLOSED, State.WITHDRAWN, State.DECLINED, State.INELIGIBLE)

register(
    PersonalData(
        Application,
        about="created_by",
        fields=("reference", "project_title", "state", "contact_phone", "created_at"),
        erase={"contact_phone": ""},
    ),
    PersonalData(
        ApplicationEvent, about="actor", fields=("application__reference", "transition", "created_at", "note")
    ),
    # The award, the amounts and the project stay (the 360Giving record and the figures); the
    # contact phone and who in the group started it go.
    Retention(
        Application,
        expired=lambda cutoff: Q(state__in=FINISHED, updated_at__lt=cutoff) & ~Q(contact_phone="", created_by=None),
        clear={"contact_phone": "", "created_by": None},
        description="contact phone numbers and starters of finished applications",
    ),
)
