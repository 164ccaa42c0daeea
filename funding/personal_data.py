from django.db.models import Q

from funding.models import Application, ApplicationEvent, Assignment, Attachment, GrantReport, Payment, Score
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
    # A document someone sent (a constitution naming its officers, a bank statement) goes with them:
    # the row and, once the erasure commits, the file in the store.
    PersonalData(
        Attachment,
        about="uploaded_by",
        fields=("application__reference", "kind", "original_name", "uploaded_at"),
        delete_on_erase=True,
    ),
    # An assessor's scores and comments are the record of how a grant was decided, so they stay;
    # why they had a conflict of interest is about their own life and goes (that they had one stays).
    PersonalData(
        Assignment,
        about="assessor",
        fields=(
            "application__reference",
            "assigned_at",
            "has_conflict",
            "conflict_details",
            "declared_at",
            "submitted_at",
        ),
        erase={"conflict_details": ""},
    ),
    PersonalData(
        Score,
        about="assignment__assessor",
        fields=("assignment__application__reference", "criterion__name", "score", "comment"),
    ),
    PersonalData(
        Payment, about="recorded_by", fields=("application__reference", "amount", "paid_on", "reference", "recorded_at")
    ),
    # The group's report, as part of the application its starter made.
    PersonalData(
        GrantReport,
        about="application__created_by",
        fields=("application__reference", "what_happened", "people_reached", "spend_notes", "story", "submitted_at"),
    ),
    # The award, the amounts and the project stay (the 360Giving record and the figures); the
    # contact phone and who in the group started it go.
    Retention(
        Application,
        expired=lambda cutoff: Q(state__in=FINISHED, updated_at__lt=cutoff) & ~Q(contact_phone="", created_by=None),
        clear={"contact_phone": "", "created_by": None},
        description="contact phone numbers and starters of finished applications",
    ),
    # The documents sent with a finished application were needed to decide and pay it; after the
    # retention period they go, rows and files (the amounts and the decision stay on the application).
    Retention(
        Attachment,
        expired=lambda cutoff: Q(application__state__in=FINISHED, application__updated_at__lt=cutoff),
        clear={},
        delete=True,
        description="the documents sent with finished applications",
    ),
    # What the grant did and how many it reached stay for the figures and the board; one person's
    # story, told with their permission for the grant's report, goes with the application's details.
    Retention(
        GrantReport,
        expired=lambda cutoff: Q(application__state__in=FINISHED, application__updated_at__lt=cutoff) & ~Q(story=""),
        clear={"story": ""},
        description="the stories in reports on finished grants",
    ),
)
