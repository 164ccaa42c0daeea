"""``{% load formats %}``: figures as every page writes them (healthyplaces.core.formats).

- ``amount|money``: £1,234.50, a negative sum after a minus sign (U+2212); empty for None.
- ``value|machine_datetime``: a ``<time datetime>`` value to the second, in the current time zone.
"""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from healthyplaces.core import formats

register = template.Library()


@register.filter
def money(amount: Decimal | int | float | str | None) -> str:
    return formats.money(amount)


@register.filter
def machine_datetime(value: datetime.datetime | datetime.date | None) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # The offset of the time the page shows beside it, as |date does.
        value = timezone.localtime(value)
    return formats.machine_datetime(value)
