from typing import Any

from django import forms

from actions.models import Action, Status
from healthyplaces.core.forms import GovukDateField


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        choices=Status.choices, widget=forms.RadioSelect, error_messages={"required": "Select a status"}
    )
    progress = forms.IntegerField(
        label="Progress (%)",
        min_value=0,
        max_value=100,
        help_text="A whole number from 0 to 100",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter progress as a whole number from 0 to 100",
            "invalid": "Progress must be a whole number, like 40",
            "min_value": "Progress must be 0 or more",
            "max_value": "Progress must be 100 or less",
        },
    )
    next_review_date = GovukDateField(label="Next review date", required=False, help_text="For example, 27 3 2027")
    narrative = forms.CharField(
        label="What changed and why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required when the status changes. This appears on the action's timeline.",
    )
    done_milestones = forms.TypedMultipleChoiceField(
        label="Milestones done", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_milestone_title = forms.CharField(label="Add a milestone", required=False, max_length=200)
    new_milestone_due = GovukDateField(label="New milestone due date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        milestones = list(action.milestones.all())
        done_field = self.fields["done_milestones"]
        assert isinstance(done_field, forms.TypedMultipleChoiceField)  # noqa: S101 - narrows the type
        done_field.choices = [(m.pk, m.title) for m in milestones]
        if not milestones:
            del self.fields["done_milestones"]
        if not self.is_bound:
            self.initial.update(
                status=action.status,
                progress=action.progress,
                next_review_date=action.next_review_date,
                done_milestones=[m.pk for m in milestones if m.done],
                version=action.version,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("status")
            and cleaned["status"] != self.action.status
            and not cleaned.get("narrative", "").strip()
        ):
            self.add_error("narrative", "Explain why the status changed")
        if cleaned.get("new_milestone_due") and not cleaned.get("new_milestone_title", "").strip():
            self.add_error("new_milestone_title", "Enter a title for the new milestone")
        return cleaned
