import django_filters

from healthyplaces.core.forms import GovukDateField


class GovukDateFilter(django_filters.DateFilter):
    """A date filter typed into the GOV.UK day, month and year boxes."""

    field_class = GovukDateField
