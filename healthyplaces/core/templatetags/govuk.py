"""Template tags for GOV.UK Design System markup.

``{% load govuk %}`` then:

- ``{% govuk_widget field %}`` or ``{% govuk_widget field class="govuk-input--width-10" %}``: the
  field's own widget with the GOV.UK class for its type, the ``--error`` modifier when the field has
  errors, ``aria-describedby`` pointing at the hint and error message, and no ``required`` or
  ``placeholder`` attributes (GOV.UK validates on the server and labels every field).
- ``field|govuk_id``: the id the field's hint and error message are built from (``<id>-hint``,
  ``<id>-error``).
- ``field|govuk_describedby``: the ``aria-describedby`` value for the field's input or fieldset.
- ``field|govuk_error_target``: the id the error summary links to (the first radio, checkbox or
  date box for grouped fields).
- ``{% council_name %}`` and ``{% service_name %}``: the names from settings, for templates rendered
  without context processors (500.html).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from healthyplaces.core.submissions import SUBMISSION_FIELD, posted_token

register = template.Library()

# Widget type (BoundField.widget_type) -> the GOV.UK class for its control.
INPUT_TYPES = frozenset({"text", "email", "password", "number", "url", "tel", "search", "date", "datetime", "time"})
WIDGET_CLASSES: dict[str, str] = {
    "govukdate": "",
    **{widget_type: "govuk-input" for widget_type in INPUT_TYPES},
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "nullbooleanselect": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}
# Controls whose GOV.UK class has an --error modifier.
ERROR_MODIFIERS = frozenset({"govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload"})
# Grouped controls: the error summary links to the first option.
GROUPED_TYPES = frozenset({"radioselect", "checkboxselectmultiple"})


@register.simple_tag(takes_context=True)
def submission_token(context: Any) -> SafeString:
    """The hidden token that makes a create form's second post go where its first went
    (healthyplaces.core.submissions). A form shown again with its errors keeps the token it had."""
    request = context.get("request")
    token = posted_token(request) if request is not None and request.method == "POST" else None
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, token or uuid.uuid4())


@register.filter
def govuk_id(field: BoundField) -> str:
    """The base id for the field's hint and error message."""
    return str(field.field.widget.attrs.get("id") or field.auto_id or field.html_name)


@register.filter
def govuk_describedby(field: BoundField) -> str:
    """Space-separated ids of the field's hint and error message (empty if it has neither)."""
    base = govuk_id(field)
    ids = []
    if field.help_text:
        ids.append(f"{base}-hint")
    if field.errors:
        ids.append(f"{base}-error")
    return " ".join(ids)


@register.filter
def govuk_error_target(field: BoundField) -> str:
    """The id of the control the error summary should move focus to."""
    if field.widget_type in GROUPED_TYPES:
        return f"{govuk_id(field)}_0"
    return str(field.id_for_label or govuk_id(field))


def _merge_classes(*classes: Any) -> str:
    seen: list[str] = []
    for value in classes:
        for name in str(value or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


@register.simple_tag
def govuk_widget(field: BoundField, **extra: Any) -> SafeString:
    """Render the field's widget as a GOV.UK control. Keyword arguments become HTML attributes;
    ``class`` is added to (not substituted for) the GOV.UK classes."""
    widget = field.field.widget
    widget_type = field.widget_type
    base_class = WIDGET_CLASSES.get(widget_type, "")
    if widget_type == "checkbox" and isinstance(widget, forms.CheckboxInput):
        base_class = "govuk-checkboxes__input"
    error_class = f"{base_class}--error" if field.errors and base_class in ERROR_MODIFIERS else ""

    attrs: dict[str, Any] = {key.replace("_", "-"): value for key, value in extra.items()}
    classes = _merge_classes(base_class, error_class, widget.attrs.get("class"), attrs.get("class"))
    if classes:
        attrs["class"] = classes
    describedby = _merge_classes(
        widget.attrs.get("aria-describedby"), govuk_describedby(field), attrs.get("aria-describedby")
    )
    if describedby:
        attrs["aria-describedby"] = describedby

    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if not describedby:
        attrs.pop("aria-describedby", None)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)

    context = widget.get_context(field.html_name, field.value(), attrs)
    final = context["widget"]["attrs"]
    # GOV.UK validates on the server (browser validation bubbles are inconsistent and inaccessible)
    # and always shows a visible label, so neither `required` nor placeholders are wanted.
    final.pop("required", None)
    final.pop("placeholder", None)
    if not describedby:
        final.pop("aria-describedby", None)
    if widget_type == "number":
        # GOV.UK: use a text input with a numeric keyboard, not type="number".
        context["widget"]["type"] = "text"
        final["inputmode"] = "numeric"
        for name in ("step", "min", "max"):
            final.pop(name, None)
    return mark_safe(field.form.renderer.render(widget.template_name, context))  # noqa: S308


@register.simple_tag
def council_name() -> str:
    """The council's name from settings (for templates rendered without context processors)."""
    return str(settings.COUNCIL_NAME)


@register.simple_tag
def service_name() -> str:
    """The service's name from settings (for templates rendered without context processors)."""
    return str(settings.SERVICE_NAME)


@register.filter(is_safe=True)
def squash_whitespace(value: str) -> str:
    """Collapse runs of whitespace (including newlines) to single spaces and trim the ends."""
    return " ".join(str(value).split())
