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

# The roles anyone may hold with a password alone: self sign-up's and the connector's. Whoever holds
# a permission beyond theirs must sign in with a second factor (accounts.models.second_factor_required).
EVERYDAY_ROLES = frozenset({Role.COMMUNITY_GROUP_MEMBER, Role.COMMUNITY_CONNECTOR})

# The roles whose permissions (given by the apps' migrations) go beyond the everyday roles', so they
# must use a second factor. Not what decides it (that is the permissions themselves): what the demo
# gives an authenticator app, and tests/accounts/test_mfa.py checks it against the permissions.
MFA_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.COUNCIL_OFFICER, Role.ASSESSOR, Role.BOARD_MEMBER})
