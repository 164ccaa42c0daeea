from django import template
from django.utils.safestring import SafeString

from insights.search import highlight

register = template.Library()


@register.filter
def marked(text: str, words: list[str]) -> SafeString:
    """The text escaped, with the searched words in <mark>."""
    return highlight(text or "", words)
