from django import template
from django.utils.safestring import SafeString

from insights.models import Insight
from insights.search import highlight, search_snippet

register = template.Library()


@register.filter
def marked(text: str, words: list[str]) -> SafeString:
    """The text escaped, with the searched words in <mark>."""
    return highlight(text or "", words)


@register.filter
def snippet(insight: Insight, words: list[str]) -> SafeString:
    """The summary around the searched words, escaped, the words marked: PostgreSQL's ts_headline
    where the page's rows carry one (`headline`), else cut here."""
    return search_snippet(insight.summary or "", words, getattr(insight, "headline", None))
