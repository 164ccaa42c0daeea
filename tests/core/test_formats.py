import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings

from healthyplaces.core.formats import machine_datetime, money


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("16500"), "£16,500.00"),
        (Decimal("-16500"), "\N{MINUS SIGN}£16,500.00"),
        (Decimal("1234.5"), "£1,234.50"),
        (0, "£0.00"),
        (Decimal("-0.001"), "£0.00"),
        (2.5, "£2.50"),
        ("1500.00", "£1,500.00"),
        (None, ""),
        ("", ""),
    ],
)
def test_money_reads_as_pounds_and_pence_with_a_minus_sign_before_the_pound(amount, expected):
    assert money(amount) == expected


def test_money_says_what_a_missing_sum_is_when_asked():
    assert money(None, none="Not given") == "Not given"


def test_machine_datetime_drops_microseconds_html_does_not_allow():
    value = datetime.datetime(2026, 12, 5, 17, 30, 54, 123456, tzinfo=datetime.UTC)

    assert machine_datetime(value) == "2026-12-05T17:30:54+00:00"
    assert machine_datetime(datetime.date(2026, 12, 5)) == "2026-12-05"
    assert machine_datetime(None) == ""


@override_settings(TIME_ZONE="Europe/London")
def test_template_filters_write_money_and_time_attributes():
    template = Template('{% load formats %}{{ left|money }} <time datetime="{{ at|machine_datetime }}">')
    summer = datetime.datetime(2026, 7, 1, 11, 0, 0, 999999, tzinfo=datetime.UTC)

    html = template.render(Context({"left": Decimal("-16500"), "at": summer}))

    assert html == '\N{MINUS SIGN}£16,500.00 <time datetime="2026-07-01T12:00:00+01:00">'
