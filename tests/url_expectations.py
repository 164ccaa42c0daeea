"""What every role gets from every page of the portal, one entry per URL name.

tests/test_url_matrix.py requests each named route (GET) as an anonymous visitor, as one person in
each role and as a community group member of another organisation, and compares the status with
this table. A route with no entry here fails the suite: add one when you add a route.

Values: OK 200, MOVED_PERMANENTLY 301, LOGIN (302 to the sign-in page), REDIRECT (302 anywhere else), FORBIDDEN 403,
MISSING 404 (the object is not theirs, and its existence is not told), NOT_ALLOWED 405 (the route
takes POST only). The people (keys of each entry) are PEOPLE below.
"""

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

OK, MOVED_PERMANENTLY, REDIRECT, FORBIDDEN, MISSING, NOT_ALLOWED = 200, 301, 302, 403, 404, 405
LOGIN = "sign in"

ANONYMOUS = "anonymous"
ADMIN = "programme admin"
OFFICER = "council officer"
BOARD = "board member"
MEMBER = "community group member"  # a member of the organisation whose application is requested
OTHER_MEMBER = "other group's member"  # a community group member of another organisation
CONNECTOR = "community connector"
ASSESSOR = "assessor"
PEOPLE = (ANONYMOUS, ADMIN, OFFICER, BOARD, MEMBER, OTHER_MEMBER, CONNECTOR, ASSESSOR)
SIGNED_IN = frozenset(PEOPLE) - {ANONYMOUS}


def everyone(status: int | str = OK) -> dict[str, int | str]:
    return dict.fromkeys(PEOPLE, status)


def signed_in(
    only: AbstractSet[str] = SIGNED_IN,
    status: int | str = OK,
    *,
    others: int | str = FORBIDDEN,
    but: Mapping[str, int | str] | None = None,
) -> dict[str, int | str]:
    """Anonymous people are sent to sign in; `only` get `status`, other signed-in people `others`;
    `but` names the exceptions."""
    table: dict[str, int | str] = {ANONYMOUS: LOGIN}
    table |= {person: status if person in only else others for person in SIGNED_IN}
    return table | dict(but or {})


STAFF = frozenset({ADMIN, OFFICER})
ACTION_READERS = frozenset({ADMIN, OFFICER, BOARD})
INSIGHT_COLLECTORS = frozenset({ADMIN, OFFICER, CONNECTOR})
APPLICANTS = frozenset({MEMBER, OTHER_MEMBER})
# Those with a part in funding: staff, groups and assessors (each sees only their own applications).
FUNDING_USERS = STAFF | APPLICANTS | {ASSESSOR}
# An application's own group and staff see it; another group's member, and an assessor not
# assigned to it, get 404.
APPLICATION_READERS = STAFF | {MEMBER}
ITS_GROUP_ONLY = {OTHER_MEMBER: MISSING, ASSESSOR: MISSING}
# The assessor's own assignment: a programme admin, who may assess too, is told it does not exist.
ASSESSORS_OWN = {ADMIN: MISSING}
BOARD_READERS = ACTION_READERS
NETWORK = STAFF | {CONNECTOR, BOARD}
NETWORK_RECORDERS = STAFF | {CONNECTOR}
# The mentoring pair is the officer and the member: they and programme admins see it; to anyone
# else it does not exist.
PAIR_READERS = STAFF | {MEMBER}
ADMIN_ONLY = frozenset({ADMIN})

EXPECTATIONS: dict[str, dict[str, int | str]] = {
    # Public pages.
    "core:home": everyone(),
    "core:accessibility": everyone(),
    "core:privacy": everyone(),
    "core:healthz": everyone(),
    "core:livez": everyone(),
    "actions:progress": everyone(),
    "insights:public": everyone(),
    "funding:rounds": everyone(),
    # The signed token is the credential; a GET only asks to confirm.
    "notifications:unsubscribe": everyone(),
    # Actions: the board reads, officers (and admins) update.
    "actions:list": signed_in(ACTION_READERS),
    "actions:mine": signed_in(ACTION_READERS),
    "actions:detail": signed_in(ACTION_READERS),
    "actions:update": signed_in(STAFF),
    # Insights bank: row-level insights only for those who need them. Officers and programme
    # admins read, count and export the whole bank; a connector lists, reads and edits the insights
    # they recorded (the sample insight is theirs; another's is missing to them,
    # tests/insights/test_access.py); board members see aggregates only, on the board's pages.
    "insights:list": signed_in(INSIGHT_COLLECTORS),
    "insights:detail": signed_in(INSIGHT_COLLECTORS),
    "insights:edit": signed_in(INSIGHT_COLLECTORS),
    "insights:counts": signed_in(STAFF),
    "insights:export": signed_in(STAFF),
    "insights:add": signed_in(INSIGHT_COLLECTORS),
    "insights:review": signed_in(STAFF),
    "insights:respond": signed_in(STAFF),
    "insights:import": signed_in(STAFF),
    # An import in progress is its uploader's (the officer's) alone: another admin gets 404.
    "insights:import_map": signed_in(STAFF, but={ADMIN: MISSING}),
    "insights:import_preview": signed_in(STAFF, but={ADMIN: MISSING}),
    # Seed fund.
    "funding:start": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    "funding:transition": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    "funding:attachment_remove": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    "funding:applications": signed_in(FUNDING_USERS),
    "funding:application": signed_in(APPLICATION_READERS, but=ITS_GROUP_ONLY),
    "funding:check": signed_in(APPLICATION_READERS, but=ITS_GROUP_ONLY),
    # Only the group answers the questions; staff read the answers on the application page.
    "funding:section": signed_in({MEMBER}, but=ITS_GROUP_ONLY),
    # Not submitted yet, so there is no confirmation: back to the application.
    "funding:submitted": signed_in(APPLICATION_READERS, REDIRECT, but=ITS_GROUP_ONLY),
    # A document is handed out to its application's group and staff; to anyone else it is missing.
    "funding:attachment": signed_in(APPLICATION_READERS, others=MISSING),
    # The group confirms a withdrawal on a page of its own; staff cannot withdraw for it.
    "funding:withdraw": signed_in({MEMBER}, but=ITS_GROUP_ONLY),
    # A draft has no report to write yet: back to the application. Only the group writes one.
    "funding:report": signed_in({MEMBER}, REDIRECT, but=ITS_GROUP_ONLY),
    # The group has sent no report, so there is nothing to raise an insight from yet.
    "funding:report_insight": signed_in(STAFF, REDIRECT),
    "funding:assign": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    "funding:unassign": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    # Programme admins may assess too, so have a (here empty) list of their own.
    "funding:assessments": signed_in(frozenset({ADMIN, ASSESSOR})),
    "funding:assessment": signed_in({ASSESSOR}, but=ASSESSORS_OWN),
    # Declared already: on to the scoring page.
    "funding:assessment_declare": signed_in({ASSESSOR}, REDIRECT, but=ASSESSORS_OWN),
    "funding:panels": signed_in(STAFF),
    "funding:panel": signed_in(STAFF),
    "funding:export": signed_in(STAFF),
    # Nothing is awarded in the sample world, so there is no file to publish yet.
    "funding:export_file": signed_in(STAFF, MISSING),
    # The board's pages: board members, officers and programme admins read them; programme admins
    # freeze snapshots and load deprivation figures.
    "board:dashboard": signed_in(BOARD_READERS),
    "board:chart_csv": signed_in(BOARD_READERS),
    "board:snapshots": signed_in(BOARD_READERS),
    "board:snapshot": signed_in(BOARD_READERS),
    "board:changes": signed_in(BOARD_READERS),
    "board:snapshot_chart_csv": signed_in(BOARD_READERS),
    "board:pack": signed_in(BOARD_READERS),
    "board:freeze": signed_in(ADMIN_ONLY),
    "board:deprivation": signed_in(ADMIN_ONLY),
    # The connector network. Places and activities hold no personal data, so the Open Referral
    # UK API is public; the old single-file export moved permanently to its root.
    "connectors:open_referral": everyone(),
    "connectors:open_referral_services": everyone(),
    "connectors:open_referral_service": everyone(),
    "connectors:open_referral_service_at_locations": everyone(),
    "connectors:open_referral_service_at_location": everyone(),
    "connectors:open_referral_organizations": everyone(),
    "connectors:open_referral_organization": everyone(),
    "connectors:open_referral_json": everyone(MOVED_PERMANENTLY),
    "connectors:coverage": signed_in(NETWORK),
    "connectors:places": signed_in(NETWORK),
    "connectors:place": signed_in(NETWORK),
    "connectors:place_add": signed_in(NETWORK_RECORDERS),
    "connectors:place_edit": signed_in(STAFF),
    "connectors:connectors": signed_in(NETWORK_RECORDERS),
    "connectors:connector": signed_in(NETWORK_RECORDERS),
    "connectors:connector_add": signed_in(STAFF),
    "connectors:connector_edit": signed_in(STAFF),
    "connectors:conversations": signed_in(NETWORK_RECORDERS),
    "connectors:conversation": signed_in(NETWORK_RECORDERS),
    "connectors:conversation_add": signed_in(NETWORK_RECORDERS),
    "connectors:raise_insights": signed_in(NETWORK_RECORDERS),
    "connectors:forum": signed_in(NETWORK_RECORDERS),
    "connectors:meeting": signed_in(NETWORK_RECORDERS),
    "connectors:meeting_add": signed_in(NETWORK_RECORDERS),
    "connectors:member_add": signed_in(STAFF),
    # Everyone has a mentoring page: programme admins see every pair, anyone else their own.
    "connectors:mentoring": signed_in(),
    "connectors:pair_add": signed_in(ADMIN_ONLY),
    "connectors:pair": signed_in(PAIR_READERS, others=MISSING),
    # Notifications and accounts.
    "notifications:list": signed_in(ADMIN_ONLY),
    "notifications:preferences": signed_in(),
    "accounts:role_changes": signed_in(ADMIN_ONLY),
    # Personal data: everyone downloads their own and asks for erasure; programme admins erase.
    "accounts:your_data": signed_in(),
    "accounts:your_data_download": signed_in(),
    "accounts:erasure_request": signed_in(status=NOT_ALLOWED, others=NOT_ALLOWED),
    "accounts:person_data": signed_in(ADMIN_ONLY),
    "accounts:person_erase": signed_in(ADMIN_ONLY),
}
