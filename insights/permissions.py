"""Who may do what in the insights bank. Row-level insights only for those who need them: officers
and programme admins read and export the whole bank (they review it); connectors read and edit
the insights they recorded, and raise new ones; board members see aggregates only (the board
dashboard, snapshots and packs), never an insight, the list or an export."""

from healthyplaces.accounts.models import User
from insights.models import Insight


def can_view_insights(user: User) -> bool:
    """Open the insights pages at all: the whole bank, or the insights one recorded."""
    return user.is_authenticated and user.has_perm("insights.view_insight")


def can_read_insight_bank(user: User) -> bool:
    """Every insight, their counts and the CSV and XLSX exports: those who review the bank."""
    return can_view_insights(user) and can_review_insight(user)


def can_read_insight(user: User, insight: Insight) -> bool:
    return can_read_insight_bank(user) or (can_view_insights(user) and insight.collected_by_id == user.pk)


def can_edit_insight(user: User, insight: Insight) -> bool:
    """Its words, where and with whom: a reviewer, or the person who recorded it."""
    return can_review_insight(user) or (can_add_insight(user) and insight.collected_by_id == user.pk)


def can_add_insight(user: User) -> bool:
    return user.is_authenticated and user.has_perm("insights.add_insight")


def can_review_insight(user: User) -> bool:
    """Edit, link to actions and set the status: officers and programme admins."""
    return user.is_authenticated and user.has_perm("insights.change_insight")


def can_publish_response(user: User) -> bool:
    return user.is_authenticated and user.has_perm("insights.publish_response")
