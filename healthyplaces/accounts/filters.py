import django_filters
from django.db.models import Q, QuerySet

from healthyplaces.accounts.models import RoleChange
from healthyplaces.core.filters import GovukDateFilter
from healthyplaces.core.forms import FilterForm


class RoleChangeFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(label="Whose roles (email or name)", method="filter_person")
    changed_by = django_filters.CharFilter(label="Changed by (email or name)", method="filter_changed_by")
    changed_from = GovukDateFilter(label="Changed on or after", field_name="changed_at", lookup_expr="date__gte")
    changed_to = GovukDateFilter(label="Changed on or before", field_name="changed_at", lookup_expr="date__lte")

    class Meta:
        model = RoleChange
        form = FilterForm
        fields = ("person", "changed_by", "changed_from", "changed_to")

    def filter_person(self, queryset: QuerySet[RoleChange], name: str, value: str) -> QuerySet[RoleChange]:
        return self._who(queryset, "user", value)

    def filter_changed_by(self, queryset: QuerySet[RoleChange], name: str, value: str) -> QuerySet[RoleChange]:
        return self._who(queryset, "actor", value)

    @staticmethod
    def _who(queryset: QuerySet[RoleChange], field: str, value: str) -> QuerySet[RoleChange]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(**{f"{field}__email__icontains": value}) | Q(**{f"{field}__full_name__icontains": value})
        )
