from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from healthyplaces.accounts.models import PersonalDataExport, RoleChange, User
from healthyplaces.core.personal_data import PersonalData, register

ERASED_NAME = "Erased person"


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@erased.invalid"


register(
    PersonalData(
        User,
        about="pk",
        fields=("email", "full_name", "date_joined", "last_login", "is_active"),
        erase={"full_name": ERASED_NAME, "email": erased_email, "is_active": False},
    ),
    PersonalData(EmailAddress, about="user", fields=("email", "verified", "primary"), delete_on_erase=True),
    PersonalData(Authenticator, about="user", fields=("type", "created_at", "last_used_at"), delete_on_erase=True),
    PersonalData(RoleChange, about="user", fields=("changed_at", "before", "after")),
    PersonalData(PersonalDataExport, about="subject", fields=("exported_at", "what")),
)
