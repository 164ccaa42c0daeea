import django_filters
from django.db.models import Q, QuerySet

from healthyplaces.core.filters import GovukDateFilter
from healthyplaces.core.forms import FilterForm
from healthyplaces.notifications.models import Notification

KIND_CHOICES = (
    ("review_reminder", "Review reminder"),
    ("review_escalation", "Overdue review, to admins"),
    ("digest", "Progress digest"),
    ("account", "Sign-up email (verification or already registered)"),
)


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Notification.Status.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(label="Type", choices=KIND_CHOICES, empty_label="Any type")
    recipient = django_filters.CharFilter(label="Recipient email or name", method="filter_recipient")
    created_from = GovukDateFilter(label="Queued on or after", field_name="created_at", lookup_expr="date__gte")
    created_to = GovukDateFilter(label="Queued on or before", field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Notification
        form = FilterForm
        fields = ("status", "kind", "recipient", "created_from", "created_to")

    def filter_recipient(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(to_email__icontains=value) | Q(recipient__full_name__icontains=value))
