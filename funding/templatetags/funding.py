"""``{% load funding %}``: how applications read on the page."""

from django import template

from funding import presentation
from funding.workflow import State

register = template.Library()


@register.filter
def state_tag_class(state: str) -> str:
    """The tag colour for an application's state; the words in the tag carry the meaning."""
    return presentation.state_tag_class(state)


@register.filter
def state_label(state: str) -> str:
    """ "in_assessment" -> "In assessment"."""
    return str(State(state).label) if state in State.values else state
