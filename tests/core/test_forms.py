import datetime

import pytest
from django import forms
from django.http import QueryDict

from healthyplaces.core.forms import GovukDateField, rebind_with_version


class DateForm(forms.Form):
    start = GovukDateField(label="Start date")
    end = GovukDateField(label="End date", required=False)


def bound(**values):
    data = {}
    for field, (day, month, year) in values.items():
        data.update({f"{field}-day": day, f"{field}-month": month, f"{field}-year": year})
    return DateForm(data)


def test_a_full_date_cleans_to_a_date_and_an_empty_optional_one_to_none():
    form = bound(start=("7", "3", "2027"), end=("", "", ""))

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"start": datetime.date(2027, 3, 7), "end": None}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter start date"),
        (("7", "", "2027"), "Start date must include a month"),
        (("", "", "2027"), "Start date must include a day and month"),
        (("31", "2", "2027"), "Start date must be a real date"),
        (("7", "March", "2027"), "Start date must be a real date"),
        (("7", "3", "27"), "Start date year must include 4 numbers"),
        # Too big for C's int: Python raises OverflowError, not ValueError (found by the campaign).
        (("14", "2200000000", "2026"), "Start date must be a real date"),
        (("99999999999", "3", "2026"), "Start date must be a real date"),
    ],
)
def test_date_errors_say_exactly_what_is_wrong(parts, message):
    form = bound(start=parts, end=("", "", ""))

    assert not form.is_valid()
    assert form.errors["start"] == [message]


def test_an_invalid_date_is_shown_again_as_typed_with_errors_on_the_fieldset():
    form = bound(start=("31", "2", "2027"), end=("", "", ""))
    form.is_valid()

    html = str(form["start"].as_field_group())

    assert 'name="start-day"' in html
    assert 'value="31"' in html
    assert 'id="id_start-day"' in html
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert "Start date must be a real date" in html


class VersionedForm(forms.Form):
    name = forms.CharField()
    version = forms.IntegerField()


def test_a_rebound_form_keeps_the_answers_and_errors_but_carries_the_version_now_saved():
    posted = QueryDict(mutable=True)
    posted.update({"name": "Hall", "version": "3"})
    first = VersionedForm(posted)
    assert first.is_valid()
    first.add_error("name", "That name is taken")
    first.add_error("version", "Stale")
    first.add_error(None, "Not saved")

    form = rebind_with_version(VersionedForm, posted, version=5, errors=first.errors)

    assert form.data["name"] == "Hall"
    assert form["version"].value() == "5"
    assert posted["version"] == "3"  # what was posted is left as it was
    assert form.errors == {"name": ["That name is taken"], "__all__": ["Not saved"]}
