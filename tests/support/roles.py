"""The people every access test asks as: an anonymous visitor and one person per role."""

from healthyplaces.accounts.roles import Role

ROLES: dict[str, list[Role] | None] = {
    "anonymous": None,
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
