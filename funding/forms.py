"""Forms for the seed-funding pages. Section forms only check the shape of what is typed (a real
date, a number of pounds); whether a section is complete is decided by funding.services, which
saves every answer first."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from funding.files import ACCEPT_ATTRIBUTE
from funding.models import MAX_SCORE, Application, AssessmentCriterion, Attachment, BudgetLine, Priority, Round
from funding.services import ReportAnswers
from funding.workflow import Transition
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.core.formats import money
from healthyplaces.core.forms import GovukDateField, ModelMultipleChoiceField
from healthyplaces.vocabulary.models import Ward

BUDGET_ROWS = 10
YES_NO = (("yes", "Yes, I've completed this section"), ("no", "No, I'll come back to it later"))


def _pounds(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": f"{label} must be an amount of money, like 250 or 250.50",
            "min_value": f"{label} must be more than £0",
            "max_digits": f"{label} must be less than £100,000,000",
            "max_decimal_places": f"{label} must not have more than 2 decimal places (pence)",
            "max_whole_digits": f"{label} must be less than £100,000,000",
        },
        **kwargs,
    )


class StartForm(forms.Form):
    """Which round, and (when the member belongs to several) which of their groups is applying."""

    round = forms.ModelChoiceField(queryset=Round.objects.none(), widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        label="Which group is applying?",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the group that is applying", "invalid_choice": "Select one of your groups"},
    )
    # Set only by the "start another application" confirmation: the group has a draft and means it.
    another = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, rounds: QuerySet[Round], organisations: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = cast(forms.ModelChoiceField, self.fields["organisation"])  # type: ignore[type-arg]
        cast(forms.ModelChoiceField, self.fields["round"]).queryset = rounds  # type: ignore[type-arg]
        organisation_field.queryset = organisations
        if len(organisations) == 1:
            organisation_field.widget = forms.HiddenInput()
            self.initial.setdefault("organisation", organisations[0].pk)


class SectionForm(forms.Form):
    """Base for the task-list sections: the answers, "Have you completed this section?" and the
    version the form was loaded at (so two members' saves cannot overwrite each other)."""

    mark_optional_fields = False
    fields_in_section: tuple[str, ...] = ()

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have completed this section"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        super().__init__(*args, **kwargs)
        # The completion question comes last, after the answers.
        self.order_fields([*self.fields_in_section, "completed", "version"])

    @classmethod
    def initial_for(cls, application: Application, section: str) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(application, name) for name in cls.fields_in_section}
        initial["version"] = application.version
        if section in application.sections_done:
            initial["completed"] = "yes"
        return initial

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields_in_section}

    def budget_lines(self) -> list[tuple[str, Decimal]] | None:
        return None


class EligibilitySectionForm(SectionForm):
    """A yes or no for each of the round's eligibility questions."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.questions = list(application.round.eligibility_questions.all())
        super().__init__(*args, application=application, **kwargs)
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=(("yes", "Yes"), ("no", "No")),
                coerce=lambda answer: answer == "yes",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"inline": True}),
                error_messages={"invalid_choice": "Select yes or no"},
            )
        self.order_fields([*(f"question_{q.pk}" for q in self.questions), "completed", "version"])

    @classmethod
    def initial_for(cls, application: Application, section: str) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f"question_{key}": "yes" if answer else "no" for key, answer in application.eligibility_answers.items()
        }
        initial["version"] = application.version
        if section in application.sections_done:
            initial["completed"] = "yes"
        return initial

    def values(self) -> dict[str, Any]:
        answers = {
            str(question.pk): self.cleaned_data[f"question_{question.pk}"]
            for question in self.questions
            if self.cleaned_data.get(f"question_{question.pk}") is not None
        }
        return {"eligibility_answers": answers}


class GroupSectionForm(SectionForm):
    fields_in_section = ("group_description", "contact_phone")

    group_description = forms.CharField(
        label="Tell us about your group",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What your group does, who it works with and how long it has been going.",
    )
    contact_phone = forms.CharField(
        label="Contact phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}),
        help_text="So we can talk to you about your application, if we need to.",
        error_messages={"max_length": "Contact phone number must be 30 characters or fewer"},
    )


class ProjectSectionForm(SectionForm):
    fields_in_section = ("project_title", "project_summary", "project_outcomes", "starts_on", "ends_on")

    project_title = forms.CharField(
        label="Project name",
        required=False,
        max_length=200,
        error_messages={"max_length": "Project name must be 200 characters or fewer"},
    )
    project_summary = forms.CharField(
        label="What will your project do?", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    project_outcomes = forms.CharField(
        label="What difference will it make?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who will benefit, and how you will know it has worked.",
    )
    starts_on = GovukDateField(label="Start date", required=False, help_text="For example, 27 3 2027")
    ends_on = GovukDateField(label="End date", required=False, help_text="For example, 30 9 2027")


class PrioritySectionForm(SectionForm):
    fields_in_section = ("priority", "wards")

    priority: forms.ModelChoiceField[Priority] = forms.ModelChoiceField(
        label="Which community priority does your project work on?",
        queryset=Priority.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "Select one of the priorities listed"},
    )
    wards = ModelMultipleChoiceField(
        label="Which wards will your project serve?",
        queryset=Ward.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select wards from the list"},
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, application=application, **kwargs)
        priorities = list(application.round.priorities.all())
        if priorities:
            priority_field = cast(forms.ModelChoiceField, self.fields["priority"])  # type: ignore[type-arg]
            priority_field.queryset = application.round.priorities.all()
        else:
            # A round without agreed priorities asks only for wards.
            del self.fields["priority"]

    @classmethod
    def initial_for(cls, application: Application, section: str) -> dict[str, Any]:
        return {
            "priority": application.priority_id,
            "wards": [ward.pk for ward in application.wards.all()],
            "version": application.version,
            **({"completed": "yes"} if section in application.sections_done else {}),
        }

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"wards": list(self.cleaned_data["wards"])}
        if "priority" in self.fields:
            values["priority"] = self.cleaned_data["priority"]
        return values


class BudgetSectionForm(SectionForm):
    """The amount asked for, and up to ten budget lines that must add up to it."""

    fields_in_section = ("amount_requested",)
    budget_problem: str = ""

    amount_requested = _pounds(
        "Amount requested", help_text="In pounds. It must be within the round's minimum and maximum."
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, application=application, **kwargs)
        for row in range(1, BUDGET_ROWS + 1):
            self.fields[f"item_{row}"] = forms.CharField(
                label=f"Item {row}",
                required=False,
                max_length=200,
                error_messages={"max_length": f"Item {row} must be 200 characters or fewer"},
            )
            self.fields[f"amount_{row}"] = _pounds(f"Amount {row}")
        self.order_fields(
            [
                "amount_requested",
                *(name for row in range(1, BUDGET_ROWS + 1) for name in (f"item_{row}", f"amount_{row}")),
                "completed",
                "version",
            ]
        )

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"item_{row}"], self[f"amount_{row}"]) for row in range(1, BUDGET_ROWS + 1)]

    @classmethod
    def initial_for(cls, application: Application, section: str) -> dict[str, Any]:
        initial = super().initial_for(application, section)
        for row, line in enumerate(application.budget_lines.all()[:BUDGET_ROWS], start=1):
            initial[f"item_{row}"] = line.item
            initial[f"amount_{row}"] = line.amount
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in range(1, BUDGET_ROWS + 1):
            item = (cleaned.get(f"item_{row}") or "").strip()
            amount = cleaned.get(f"amount_{row}")
            if f"amount_{row}" in self.errors:
                continue
            if amount is not None and not item:
                self.add_error(f"item_{row}", f"Enter what the {money(amount)} in line {row} is for")
            elif item and amount is None:
                self.add_error(f"amount_{row}", f"Enter the amount for {item}")
        return cleaned

    def budget_lines(self) -> list[tuple[str, Decimal]] | None:
        lines = []
        for row in range(1, BUDGET_ROWS + 1):
            item = (self.cleaned_data.get(f"item_{row}") or "").strip()
            amount = self.cleaned_data.get(f"amount_{row}")
            if item and amount is not None:
                lines.append((item, amount))
        return lines


class DeclarationsSectionForm(SectionForm):
    fields_in_section = ("declares_accurate", "declares_safeguarding", "declares_data_protection")

    declares_accurate = forms.BooleanField(
        label="The information I have given is accurate to the best of my knowledge", required=False
    )
    declares_safeguarding = forms.BooleanField(
        label="Our group has a safeguarding policy and follows it", required=False
    )
    declares_data_protection = forms.BooleanField(
        label="I agree to the council using this information to assess and monitor the grant",
        required=False,
    )


class DocumentsSectionForm(SectionForm):
    """Only the completion question: the documents themselves are added one at a time by
    AttachmentForm, and the section is complete when the required ones are there."""


class AttachmentForm(forms.Form):
    """One document. Whether it is a file we accept is decided by funding.files, from its content."""

    mark_optional_fields = False

    kind = forms.ChoiceField(
        label="What is this document?",
        choices=Attachment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the document is", "invalid_choice": "Select what the document is"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word document, Excel spreadsheet, JPG or PNG, up to 10 MB.",
        error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "eligibility": EligibilitySectionForm,
    "group": GroupSectionForm,
    "project": ProjectSectionForm,
    "priority": PrioritySectionForm,
    "budget": BudgetSectionForm,
    "declarations": DeclarationsSectionForm,
    "documents": DocumentsSectionForm,
}


class TransitionForm(forms.Form):
    """One workflow step: a note when the step needs a reason, an amount and conditions for an
    award. Ids carry the step's name, so several forms can share a page."""

    mark_optional_fields = False

    name = forms.CharField(widget=forms.HiddenInput)
    # Which page the step was taken from, so errors and success come back to it.
    return_to = forms.ChoiceField(
        choices=(("", "Application"), ("panel", "Panel")), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{transition.name}_%s")
        kwargs.setdefault("initial", {"name": transition.name})
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_amount:
            self.fields["amount"] = _pounds("Amount awarded")
            self.fields["conditions"] = forms.CharField(
                label="Conditions of the award (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if transition.needs_payment:
            self.fields["amount"] = _pounds("Amount paid")
            self.fields["paid_on"] = GovukDateField(
                label="Date paid", required=False, help_text="For example, 27 3 2027"
            )
            self.fields["reference"] = forms.CharField(
                label="Payment reference (optional)",
                required=False,
                max_length=100,
                help_text="The finance system's reference for this payment.",
                error_messages={"max_length": "Payment reference must be 100 characters or fewer"},
            )
        if transition.needs_due_date:
            self.fields["due_on"] = GovukDateField(
                label="When is the report due?", required=False, help_text="For example, 30 9 2027"
            )
        if transition.needs_note:
            self.fields["note"] = forms.CharField(
                label="What information do you need?" if transition.name == "request_information" else "Reason",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="The group will read this.",
            )


class AssignAssessorForm(forms.Form):
    """Choose one of the assessors offered; anyone else is refused as not on the list."""

    mark_optional_fields = False

    assessor = forms.ChoiceField(
        label="Assessor",
        error_messages={"required": "Select an assessor", "invalid_choice": "Select an assessor from the list"},
    )

    def __init__(self, *args: Any, assessors: Iterable[User], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)
        # Choices from the people given rather than a queryset, so a page that has already fetched
        # them (to know whether to offer the form at all) does not ask the database again.
        self._offered = {str(user.pk): user for user in assessors}
        cast(forms.ChoiceField, self.fields["assessor"]).choices = [
            ("", "Choose an assessor"),
            *((pk, str(user)) for pk, user in self._offered.items()),
        ]

    def clean_assessor(self) -> User:
        return self._offered[self.cleaned_data["assessor"]]


class DeclarationForm(forms.Form):
    """The conflict-of-interest declaration; the details are revealed by the "Yes" answer."""

    mark_optional_fields = False

    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this group or project?",
        choices=(("no", "No"), ("yes", "Yes")),
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        help_text=(
            "For example, you or someone close to you is a member of the group, works with it or would gain from it."
        ),
        error_messages={"required": "Select yes if you have a conflict of interest"},
    )
    conflict_details = forms.CharField(
        label="If yes, what is the conflict of interest?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreForm(forms.Form):
    """A score and a comment for each of the round's criteria, keyed by criterion id."""

    mark_optional_fields = False

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, criteria: Sequence[AssessmentCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(str(n), str(n)) for n in range(MAX_SCORE + 1)]
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"inline": True}),
                help_text=criterion.guidance or f"0 is none at all, {MAX_SCORE} is excellent.",
                error_messages={"invalid_choice": f"Give a score from 0 to {MAX_SCORE}"},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comments on {criterion.name.lower()}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.order_fields([name for c in self.criteria for name in (f"score_{c.pk}", f"comment_{c.pk}")])

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class ReportForm(forms.Form):
    """The end-of-grant report: saved as typed; whether it can be sent is decided by the service."""

    mark_optional_fields = False

    what_happened = forms.CharField(
        label="What happened?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you did with the grant, and what changed because of it.",
    )
    people_reached = forms.IntegerField(
        label="How many people did the project reach?",
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Number of people must be a whole number, like 40",
            "min_value": "Number of people must be 0 or more",
            "max_value": "Number of people must be 1,000,000 or fewer",
        },
    )
    story = forms.CharField(
        label="A story (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One person's experience of the project, told with their permission. Leave out their name.",
    )
    spend_notes = forms.CharField(
        label="Anything to explain about the spending (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, budget_lines: Sequence[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget_lines = list(budget_lines)
        for line in self.budget_lines:
            self.fields[f"spent_{line.pk}"] = forms.DecimalField(
                label=f"{line.item} (budgeted {money(line.amount)})",
                required=False,
                max_digits=10,
                decimal_places=2,
                min_value=Decimal(0),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
                error_messages={
                    "invalid": f"What was spent on {line.item} must be an amount of money, like 250 or 250.50",
                    "min_value": f"What was spent on {line.item} must be £0 or more",
                    "max_digits": f"What was spent on {line.item} must be less than £100,000,000",
                    "max_decimal_places": f"What was spent on {line.item} must not have more than 2 decimal places",
                    "max_whole_digits": f"What was spent on {line.item} must be less than £100,000,000",
                },
            )

    def spend_fields(self) -> list[forms.BoundField]:
        return [self[f"spent_{line.pk}"] for line in self.budget_lines]

    def answers(self) -> ReportAnswers:
        data = self.cleaned_data
        return ReportAnswers(
            what_happened=data["what_happened"],
            people_reached=data["people_reached"],
            spend_notes=data["spend_notes"],
            story=data["story"],
            spend={line.pk: data[f"spent_{line.pk}"] for line in self.budget_lines},
        )
