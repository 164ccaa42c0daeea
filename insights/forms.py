from collections.abc import Sequence
from typing import Any

from django import forms

from actions.models import Action
from connectors.models import Place
from healthyplaces.core.forms import GovukDateField, ModelMultipleChoiceField
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.imports import TARGETS
from insights.models import ConsentBasis, Insight, InsightStatus, Source
from insights.services import InsightFields

NO_PERSONAL_DATA = (
    "Do not include anyone's name, address, phone number or email address, or anything else that could identify them."
)


class InsightForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="A few words that say what this is about",
        error_messages={"required": "Enter a title"},
    )
    summary = forms.CharField(
        label="What people said",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=NO_PERSONAL_DATA,
        error_messages={"required": "Enter what people said"},
    )
    quote = forms.CharField(
        label="A quote in their own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave out anything that could identify the speaker.",
    )
    source = forms.ChoiceField(
        label="Where did this come from?",
        choices=Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where this came from"},
    )
    heard_on = GovukDateField(label="Date heard", help_text="For example, 14 11 2026")
    ward = forms.ModelChoiceField(queryset=Ward.objects.all(), required=False, empty_label="Not known")
    place = forms.ModelChoiceField(
        label="Place",
        queryset=Place.objects.only("name"),
        required=False,
        empty_label="Not known",
        help_text="The venue or park where it was heard",
    )
    people_count = forms.IntegerField(
        label="Number of people",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Number of people must be a whole number, like 12",
            "min_value": "Number of people must be 1 or more",
        },
    )
    themes = ModelMultipleChoiceField(queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    population_groups = ModelMultipleChoiceField(
        label="Population groups",
        queryset=PopulationGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_basis = forms.ChoiceField(
        label="Why can we keep this?",
        choices=ConsentBasis.choices,
        widget=forms.RadioSelect,
        help_text="Recorded consent: people agreed to it being kept. Anonymous: nobody can be identified. "
        "Public source: it was already published.",
        error_messages={"required": "Select why we can keep this"},
    )

    def to_fields(self) -> InsightFields:
        data = self.cleaned_data
        return InsightFields(
            title=data["title"],
            summary=data["summary"],
            quote=data["quote"],
            source=data["source"],
            heard_on=data["heard_on"],
            ward=data["ward"],
            place=data["place"],
            people_count=data["people_count"],
            themes=list(data["themes"]),
            population_groups=list(data["population_groups"]),
            consent_basis=data["consent_basis"],
        )

    @classmethod
    def initial_for(cls, insight: Insight) -> dict[str, Any]:
        return {
            "title": insight.title,
            "summary": insight.summary,
            "quote": insight.quote,
            "source": insight.source,
            "heard_on": insight.heard_on,
            "ward": insight.ward,
            "place": insight.place,
            "people_count": insight.people_count,
            "themes": list(insight.themes.all()),
            "population_groups": list(insight.population_groups.all()),
            "consent_basis": insight.consent_basis,
        }


class InsightEditForm(InsightForm):
    """What the person who recorded an insight may change; version guards against a lost update."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class InsightReviewForm(InsightEditForm):
    status = forms.ChoiceField(choices=InsightStatus.choices, widget=forms.RadioSelect)
    actions = ModelMultipleChoiceField(
        label="Actions this informs",
        queryset=Action.objects.only("number", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InsightResponseForm(forms.Form):
    response = forms.CharField(
        label="What was done",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In plain English, for the people who raised it. " + NO_PERSONAL_DATA,
    )
    response_on = GovukDateField(label="Date of response", required=False)
    publish = forms.BooleanField(label="Publish on the “You said, we did” page", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("publish") and not (cleaned.get("response") or "").strip():
            self.add_error("response", "Enter what was done before publishing it")
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One insight per row, with a header row naming the columns. Up to 2 MB and 5,000 rows.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ImportMappingForm(forms.Form):
    """One choice per insight field: which column fills it, or (for source and consent) one value
    for every row."""

    def __init__(self, *args: Any, header: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [(f"column:{name}", f"Column “{name}”") for name in header]
        for target in TARGETS:
            choices = [("", "Not in the file"), *columns]
            choices += [(f"value:{code}", f"Every row: {label}") for code, label in target.choices]
            self.fields[target.name] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=target.required,
                error_messages={"required": f"Choose the column for {target.label.lower()}"},
            )
