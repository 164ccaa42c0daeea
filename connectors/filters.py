import django_filters
from django.db.models import Q, QuerySet

from connectors.models import Connector, Conversation, ForumMeeting, MentoringPair, Ownership, Place, PlaceKind
from healthyplaces.core.filters import GovukDateFilter
from healthyplaces.core.forms import FilterForm
from healthyplaces.vocabulary.models import Theme, Ward


class PlaceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or postcode", method="filter_text")
    ward = django_filters.ModelChoiceFilter(queryset=Ward.objects.all(), empty_label="Any ward")
    kind = django_filters.ChoiceFilter(label="Type of place", choices=PlaceKind.choices, empty_label="Any type")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, empty_label="Any ownership")

    class Meta:
        model = Place
        form = FilterForm
        fields = ("q", "ward", "kind", "ownership")

    def filter_text(self, queryset: QuerySet[Place], name: str, value: str) -> QuerySet[Place]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(postcode__icontains=value)) if value else queryset


class ConnectorFilter(django_filters.FilterSet):
    ward = django_filters.ModelChoiceFilter(field_name="wards", queryset=Ward.objects.all(), empty_label="Any ward")
    active = django_filters.ChoiceFilter(
        choices=(("yes", "Active"), ("no", "Not active")), empty_label="Active or not", method="filter_active"
    )

    class Meta:
        model = Connector
        form = FilterForm
        fields = ("ward", "active")

    def filter_active(self, queryset: QuerySet[Connector], name: str, value: str) -> QuerySet[Connector]:
        return queryset.filter(active=value == "yes")


class ConversationFilter(django_filters.FilterSet):
    ward = django_filters.ModelChoiceFilter(
        field_name="place__ward", queryset=Ward.objects.all(), empty_label="Any ward"
    )
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label="Any theme")
    held_from = GovukDateFilter(label="Held on or after", field_name="held_on", lookup_expr="gte")
    held_to = GovukDateFilter(label="Held on or before", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Conversation
        form = FilterForm
        fields = ("ward", "theme", "held_from", "held_to")


class ForumMeetingFilter(django_filters.FilterSet):
    held_from = GovukDateFilter(label="Held on or after", field_name="held_on", lookup_expr="gte")
    held_to = GovukDateFilter(label="Held on or before", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = ForumMeeting
        form = FilterForm
        fields = ("held_from", "held_to")


class MentoringPairFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MentoringPair.Status.choices, empty_label="Any status")

    class Meta:
        model = MentoringPair
        form = FilterForm
        fields = ("status",)
