"""{{ figure|shown }}: a figure as the small-numbers rule published it (a count, "fewer than 5" or
"withheld"). {{ count|count_for:user }}: one count on its own, exact for officers and programme
admins, "fewer than 5" from 1 to 4 for everyone else."""

from django import template

from healthyplaces.accounts.models import User
from healthyplaces.accounts.permissions import sees_exact_counts
from healthyplaces.core import disclosure

register = template.Library()


@register.filter
def count_for(count: int, user: User) -> str:
    return disclosure.shown_count(count, exact=sees_exact_counts(user))


@register.filter
def shown(figure: disclosure.Figure) -> str:
    return disclosure.shown(figure)
