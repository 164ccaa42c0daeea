"""{{ figure|shown }}: a figure as the small-numbers rule published it (a count, "fewer than 5" or
"withheld")."""

from django import template

from healthyplaces.core import disclosure

register = template.Library()


@register.filter
def shown(figure: disclosure.Figure) -> str:
    return disclosure.shown(figure)
