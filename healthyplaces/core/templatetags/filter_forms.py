"""``{% load filter_forms %}{% filter_form filter heading="Search and filter" %}``: a list page's
filter sidebar (snippets/filter_form.html), rendered once per query string and kept until a table
its choices are read from changes. Rendering a form of four or five selects costs a list page
more than its rows, and every officer opening the list asks for the same one.

The HTML is shared between users, so a FilterSet shown this way must offer the same choices to
everyone who can see the page; one whose choices depend on who asks must include the snippet
instead."""

import hashlib
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from healthyplaces.core.generations import cached

register = template.Library()


def _tables_behind(form: Any) -> set[str]:
    """Every table a choice field's queryset reads, joins included (the lead officers' choices
    join users to their groups and to the actions they lead)."""
    tables = set()
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            tables.add(queryset.model._meta.db_table)
            tables.update(join.table_name for join in queryset.query.alias_map.values())
    return tables


@register.simple_tag(takes_context=True)
def filter_form(context: template.Context, filterset: Any, heading: str = "") -> SafeString:
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    asked = hashlib.sha256(f"{request.path}?{query.urlencode()}|{heading}".encode()).hexdigest()
    filterset_class = type(filterset)
    html = cached(
        f"filter-form:{filterset_class.__module__}.{filterset_class.__qualname__}:{asked}",
        lambda: render_to_string(
            "snippets/filter_form.html", {"filter": filterset, "heading": heading, "request": request}
        ),
        tables=sorted(_tables_behind(filterset.form)),
    ).value
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it
