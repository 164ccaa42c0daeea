"""GOV.UK Design System markup for Django forms.

Every form rendered with ``{{ form }}`` or ``{{ field.as_field_group }}`` goes through
``GovukFormRenderer`` (settings.FORM_RENDERER), whose templates live in templates/forms/govuk/.
``GovukDateField`` is the GOV.UK date input pattern: three boxes (day, month, year) that keep what
the user typed and explain exactly what is wrong.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.http import QueryDict
from django.template import TemplateDoesNotExist
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property

DATE_PARTS: tuple[str, ...] = ("day", "month", "year")
F = TypeVar("F", bound=forms.BaseForm)


def _decompress_date(value: Any) -> list[str | None]:
    """Split a date (or an ISO date string) into day, month and year strings."""
    if isinstance(value, str) and value:
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return [None, None, None]
    if isinstance(value, datetime.date):
        return [str(value.day), str(value.month), str(value.year)]
    return [None, None, None]


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the GOV.UK templates in templates/forms/govuk/.

    Templates come from the project's TEMPLATES setting; Django's own widget templates
    (django/forms/widgets/*.html) fall back to Django's built-in form engine, so "django.forms"
    need not be in INSTALLED_APPS.
    """

    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"

    @cached_property
    def _builtin(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._builtin.get_template(template_name)


class GovukDateInput(forms.MultiWidget):
    """Day, month and year text boxes, named ``<name>-day``, ``<name>-month`` and ``<name>-year``
    with ids ``id_<name>-day`` and so on, as in the GOV.UK date input component."""

    template_name = "forms/govuk/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in DATE_PARTS]
        super().__init__(widgets, attrs)
        self.widgets_names = [f"-{part}" for part in DATE_PARTS]

    def decompress(self, value: Any) -> list[str | None]:
        return _decompress_date(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        parent_attrs = context["widget"]["attrs"]
        id_ = parent_attrs.get("id")
        has_error = str(parent_attrs.get("aria-invalid", "")).lower() == "true"
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = subwidget["attrs"]
            if id_:
                sub_attrs["id"] = f"{id_}-{part}"
            # The hint and error belong to the fieldset (aria-describedby there), not to each box,
            # and GOV.UK validates on the server, so no `required`.
            for name in ("aria-describedby", "required", "placeholder", "class"):
                sub_attrs.pop(name, None)
            width = 4 if part == "year" else 2
            classes = ["govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"]
            if has_error:
                classes.append("govuk-input--error")
            sub_attrs["class"] = " ".join(classes)
            sub_attrs["inputmode"] = "numeric"
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else ""

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile], name: str
    ) -> list[str | None]:
        return [data.get(f"{name}-{part}") for part in DATE_PARTS]

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile], name: str
    ) -> bool:
        return all(f"{name}-{part}" not in data for part in DATE_PARTS)


class GovukDateField(forms.MultiValueField):
    """A date typed into three boxes; cleans to ``datetime.date`` (or ``None`` when optional and
    empty). Error messages follow the GOV.UK date input pattern and name the field by its label::

        started_on = GovukDateField(label="Start date", help_text="For example, 27 3 2026")
        # "Enter start date", "Start date must include a month", "Start date must be a real date"

    Override any message with ``error_messages``: keys ``required``, ``incomplete``, ``invalid``,
    ``year_length``; ``%(label)s``, ``%(label_lower)s`` and ``%(missing)s`` are filled in.
    """

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter %(label_lower)s",
        "incomplete": "%(label)s must include a %(missing)s",
        "invalid": "%(label)s must be a real date",
        "year_length": "%(label)s year must include 4 numbers",
    }

    def __init__(self, **kwargs: Any) -> None:
        fields = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def _params(self, missing: Sequence[str] = ()) -> dict[str, str]:
        label = str(self.label) if self.label else "The date"
        # "Start date" -> "start date", but an acronym such as "NHS start date" keeps its capitals.
        label_lower = label if label[1:2].isupper() else label[:1].lower() + label[1:]
        return {"label": label, "label_lower": label_lower, "missing": " and ".join(missing)}

    def compress(self, data_list: Sequence[Any]) -> datetime.date | None:
        # Validation happens in clean(); this only builds the value from already-checked parts.
        if not data_list:
            return None
        day, month, year = (int(part) for part in data_list)
        return datetime.date(year, month, day)

    def clean(self, value: Any) -> datetime.date | None:
        if not isinstance(value, list | tuple):
            value = _decompress_date(value)
        parts = [str(part).strip() if part is not None else "" for part in value]
        parts = [*parts, "", "", ""][:3]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required", params=self._params())
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete", params=self._params(missing))
        if not all(part.isdigit() for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=self._params())
        if len(parts[2]) != 4:
            raise ValidationError(self.error_messages["year_length"], code="year_length", params=self._params())
        try:
            out = self.compress(parts)
        except (ValueError, OverflowError):  # month 2200000000 overflows C's int before it is range-checked
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=self._params()) from None
        self.validate(out)
        self.run_validators(out)
        return out

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            cleaned = self.clean(data)
        except ValidationError:
            return True
        if isinstance(initial, str) and initial:
            try:
                initial = datetime.date.fromisoformat(initial)
            except ValueError:
                return True
        return bool(cleaned != initial)


class FilterForm(forms.Form):
    """Base form for list filters: every filter is optional, so labels do not say so."""

    mark_optional_fields = False


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: a field's error beside the field when the form has
    it, anything else at the top of the error summary."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error)


def rebind_with_version(
    make_form: Callable[[QueryDict], F],
    data: QueryDict,
    *,
    version: int,
    errors: Mapping[str, Any] | None = None,
) -> F:
    """The answers as typed, bound to a new form that carries the version now saved, so that the
    next save is made against what is there (after a conflict, a deliberate choice to overwrite it)
    rather than being refused again. ``errors`` are the first form's, kept on the new one; one about
    the version is dropped, since the version it was about has been replaced."""
    rebound = data.copy()
    rebound["version"] = str(version)
    form = make_form(rebound)
    form.is_valid()
    for name, messages in (errors or {}).items():
        if name != "version":
            form.add_error(name if name in form.fields else None, messages)
    return form


# Keys are 64-bit integers in both databases; SQLite's driver raises OverflowError, not a
# validation error, for anything bigger.
LARGEST_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's multiple choice of rows, refusing a forged id too large for a key as an invalid
    choice rather than letting the database driver fail on it."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            text = str(item).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > LARGEST_KEY:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:20]}
                )
        return super()._check_values(value)  # type: ignore[misc]
