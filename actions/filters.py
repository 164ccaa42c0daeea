import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from actions.models import Action, Status
from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from healthyplaces.core.forms import FilterForm
from healthyplaces.vocabulary.models import Theme


def _lead_choices(request: HttpRequest | None) -> QuerySet[User]:
    return User.objects.filter(Q(groups__name=Role.COUNCIL_OFFICER) | Q(led_actions__isnull=False)).distinct()


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    lead = django_filters.ModelChoiceFilter(
        label="Lead officer", field_name="lead_officers", queryset=_lead_choices, empty_label="Any lead officer"
    )
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label="Any theme")
    overdue = django_filters.BooleanFilter(
        label="Overdue for review only", method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Action
        form = FilterForm
        fields = ("status", "lead", "theme", "overdue")

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool) -> QuerySet[Action]:
        if not value:
            return queryset
        return queryset.filter(next_review_date__lt=timezone.localdate()).exclude(status=Status.COMPLETE)
