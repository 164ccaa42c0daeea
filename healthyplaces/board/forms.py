from typing import Any, cast

from django import forms

from healthyplaces.core.forms import FilterForm, GovukDateField
from insights.forms import ImportUploadForm


class SnapshotFreezeForm(forms.Form):
    meeting_date = GovukDateField(label="Board meeting date", help_text="For example, 14 1 2027")


class DeprivationUploadForm(ImportUploadForm):
    """The insights import's CSV upload, with this file's own hint."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = "One ward per row: a ward column (the ward's name or ONS code) and a decile column (1 to 10)."


class CompareForm(FilterForm):
    """Which later snapshot to compare with; "Now" compares with the portal as it is."""

    until = forms.TypedChoiceField(label="Compare with", coerce=int, empty_value=None, required=False)

    def __init__(self, data: Any = None, *, choices: list[tuple[int, str]]) -> None:
        super().__init__(data)
        cast(forms.TypedChoiceField, self.fields["until"]).choices = [("", "Now"), *choices]
