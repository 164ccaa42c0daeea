from healthyplaces.core.personal_data import PersonalData, register
from healthyplaces.notifications.models import DigestSubscription, Notification

# An erased person's emails stay as rows (how many were sent, and when) with nothing in them.
register(
    PersonalData(
        Notification,
        about="recipient",
        fields=("created_at", "kind", "to_email", "subject", "status"),
        erase={"to_email": "erased@erased.invalid", "subject": "", "body_text": "", "body_html": "", "headers": {}},
    ),
    PersonalData(DigestSubscription, about="user", fields=("frequency",)),
)
