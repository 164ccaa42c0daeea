from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from connectors.models import POSTCODE, Connector, Conversation, MentoringPair, Ownership, Place, PlaceKind
from connectors.services import ConnectorFields, ConversationFields, ForumMeetingFields, PlaceFields
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.core.forms import GovukDateField, ModelMultipleChoiceField
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from insights.models import Source

NO_PERSONAL_DATA = "Do not include anyone's name or anything else that could identify them."


def _count(label: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a whole number, like 12",
            "min_value": f"{label} must be 1 or more",
        },
        **kwargs,
    )


def _coordinate(label: str, limit: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-limit,
        max_value=limit,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": f"{label} must be a number, like 54.56",
            "min_value": f"{label} must be between -{limit} and {limit}",
            "max_value": f"{label} must be between -{limit} and {limit}",
            "max_decimal_places": f"{label} must have 5 decimal places or fewer",
            "max_digits": f"{label} must have 5 decimal places or fewer",
        },
    )


class PlaceForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the name of the place"})
    kind = forms.ChoiceField(
        label="Type of place",
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of place"},
    )
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.all(), empty_label="Choose a ward", error_messages={"required": "Select the ward"}
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(
        required=False,
        validators=[POSTCODE],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
    )
    latitude = _coordinate("Latitude", 90)
    longitude = _coordinate("Longitude", 180)
    accessibility = forms.CharField(
        label="Accessibility notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, step-free entrance, hearing loop, accessible toilet",
    )
    opening_times = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    ownership = forms.ChoiceField(
        choices=Ownership.choices,
        widget=forms.RadioSelect,
        help_text="Community-ownership trial: a space the community is trialling running itself",
        error_messages={"required": "Select who owns the place"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            (latitude is None) != (longitude is None)
            and not self.has_error("latitude")
            and not self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, f"Enter the {missing} too, or leave both empty")
        return cleaned

    def to_fields(self) -> PlaceFields:
        data = self.cleaned_data
        return PlaceFields(**{name: data[name] for name in PlaceFields.__dataclass_fields__})

    @classmethod
    def initial_for(cls, place: Place) -> dict[str, Any]:
        return {name: getattr(place, name) for name in PlaceFields.__dataclass_fields__} | {"version": place.version}


class ConnectorForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the connector's name"})
    user = forms.ModelChoiceField(
        label="Their sign-in account",
        queryset=User.objects.none(),
        required=False,
        empty_label="They do not sign in",
        help_text="Only people with the community connector role are listed",
    )
    wards = ModelMultipleChoiceField(
        label="Wards they work in", queryset=Ward.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    places = ModelMultipleChoiceField(
        label="Places they work in",
        queryset=Place.objects.only("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(required=False, max_length=200, help_text="For example, English, Urdu, Polish")
    interests = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    trained_on = GovukDateField(label="Date trained", required=False, help_text="For example, 14 9 2026")
    dbs_checked_on = GovukDateField(
        label="Date of DBS check", required=False, help_text="The date only: do not upload or type the certificate"
    )
    active = forms.BooleanField(label="Active in the network", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(groups__name=Role.COMMUNITY_CONNECTOR.value).order_by("full_name", "email")
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = users  # type: ignore[type-arg]

    def to_fields(self) -> ConnectorFields:
        data = self.cleaned_data
        fields = ConnectorFields(**{name: data[name] for name in ConnectorFields.__dataclass_fields__})
        fields.wards, fields.places = list(data["wards"]), list(data["places"])
        return fields

    @classmethod
    def initial_for(cls, connector: Connector) -> dict[str, Any]:
        initial = {name: getattr(connector, name) for name in ConnectorFields.__dataclass_fields__}
        return initial | {
            "wards": list(connector.wards.all()),
            "places": list(connector.places.all()),
            "version": connector.version,
        }


class ConversationForm(forms.Form):
    connector = forms.ModelChoiceField(
        queryset=Connector.objects.none(),
        empty_label="Choose a connector",
        error_messages={"required": "Select the connector who held the conversation"},
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.only("name"),
        empty_label="Choose a place",
        help_text="Not listed? Add the place first.",
        error_messages={"required": "Select the place"},
    )
    held_on = GovukDateField(label="Date", help_text="For example, 14 11 2026")
    people_count = _count("Number of people")
    themes = ModelMultipleChoiceField(
        label="What people talked about",
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    population_groups = ModelMultipleChoiceField(
        label="Population groups reached",
        queryset=PopulationGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="What was said. " + NO_PERSONAL_DATA
    )

    def __init__(self, *args: Any, connectors: QuerySet[Connector], own_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["connector"])  # type: ignore[type-arg]
        field.queryset = connectors
        if own_only and len(connectors) == 1:
            # A connector records their own conversations: nothing to choose.
            field.initial = connectors[0]
            field.widget = forms.HiddenInput()

    def to_fields(self) -> ConversationFields:
        data = self.cleaned_data
        return ConversationFields(
            connector=data["connector"],
            place=data["place"],
            held_on=data["held_on"],
            people_count=data["people_count"],
            notes=data["notes"],
            themes=list(data["themes"]),
            population_groups=list(data["population_groups"]),
        )


def insight_initial_from(conversation: Conversation) -> dict[str, Any]:
    """What "Raise an insight" fills in: the conversation's place, ward, date, count, themes and
    groups, and its notes as a starting text for what people said."""
    return {
        "summary": conversation.notes,
        "source": Source.CONVERSATION,
        "heard_on": conversation.held_on,
        "ward": conversation.place.ward,
        "place": conversation.place,
        "people_count": conversation.people_count,
        "themes": list(conversation.themes.all()),
        "population_groups": list(conversation.population_groups.all()),
    }


AGREED_ACTION_ROWS = 5


class ForumMeetingForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", help_text="For example, 14 11 2026")
    place = forms.ModelChoiceField(
        label="Where it was held",
        queryset=Place.objects.only("name"),
        required=False,
        empty_label="Online or elsewhere",
    )
    attendance = _count("Number attending")
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text="What was discussed and decided"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, AGREED_ACTION_ROWS + 1):
            self.fields[f"action_{row}"] = forms.CharField(label=f"Action {row} agreed", required=False, max_length=300)
            self.fields[f"owner_{row}"] = forms.CharField(
                label=f"Who owns action {row}",
                required=False,
                max_length=200,
                help_text="A name or a group, for example the youth club",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in range(1, AGREED_ACTION_ROWS + 1):
            action, owner = cleaned.get(f"action_{row}"), cleaned.get(f"owner_{row}")
            if action and not owner:
                self.add_error(f"owner_{row}", f"Enter who owns action {row}")
            elif owner and not action:
                self.add_error(f"action_{row}", f"Enter what action {row} is, or remove its owner")
        return cleaned

    def to_fields(self) -> ForumMeetingFields:
        data = self.cleaned_data
        rows = range(1, AGREED_ACTION_ROWS + 1)
        return ForumMeetingFields(
            held_on=data["held_on"],
            place=data["place"],
            attendance=data["attendance"],
            agenda=data["agenda"],
            minutes=data["minutes"],
            agreed_actions=[(data[f"action_{n}"], data[f"owner_{n}"]) for n in rows if data[f"action_{n}"]],
        )


class ForumMemberForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the member's name"},
        help_text="As they would like it shown to the network",
    )
    joined_on = GovukDateField(label="Date joined")


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("full_name", "email")


class MentoringPairForm(forms.Form):
    statutory_leader = forms.ModelChoiceField(
        label="Statutory sector leader",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Select the statutory sector leader"},
    )
    vcse_leader = forms.ModelChoiceField(
        label="Voluntary and community sector (VCSE) leader",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Select the VCSE leader"},
    )
    started_on = GovukDateField(label="Start date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("statutory_leader", "vcse_leader"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = _people()  # type: ignore[type-arg]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("statutory_leader") and cleaned.get("statutory_leader") == cleaned.get("vcse_leader"):
            self.add_error("vcse_leader", "Choose two different people")
        return cleaned


class CheckInForm(forms.Form):
    held_on = GovukDateField(label="Date of the check-in")
    note = forms.CharField(
        label="Short note",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you talked about, in a sentence or two. Up to 500 characters.",
        error_messages={"required": "Enter a short note", "max_length": "The note must be 500 characters or fewer"},
    )


class PairStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status of the pair", choices=MentoringPair.Status.choices, widget=forms.RadioSelect
    )
