"""The portal's roles. Each is a Django Group of the same name; migrations give each its permissions."""

from enum import StrEnum


class Role(StrEnum):
    PROGRAMME_ADMIN = "Programme admin"
    COUNCIL_OFFICER = "Council officer"
    BOARD_MEMBER = "Board member"
    COMMUNITY_GROUP_MEMBER = "Community group member"
    COMMUNITY_CONNECTOR = "Community connector"
    ASSESSOR = "Assessor"


# Roles a programme admin grants; self sign-up only ever gives COMMUNITY_GROUP_MEMBER.
STAFF_ROLES = frozenset(
    {Role.PROGRAMME_ADMIN, Role.COUNCIL_OFFICER, Role.BOARD_MEMBER, Role.COMMUNITY_CONNECTOR, Role.ASSESSOR}
)

# Roles that reach grant money, assessments or other people's personal data: they must sign in with
# a second factor (accounts.middleware.StaffMFAMiddleware).
MFA_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.COUNCIL_OFFICER, Role.ASSESSOR})
