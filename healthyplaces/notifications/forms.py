from django import forms

from healthyplaces.notifications.models import DigestFrequency


class DigestPreferencesForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want the progress digest?",
        choices=[
            (DigestFrequency.WEEKLY, "Weekly, on Monday mornings"),
            (DigestFrequency.MONTHLY, "Monthly, on the first Monday of the month"),
            (DigestFrequency.NONE, "Never"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often you want the progress digest"},
    )
