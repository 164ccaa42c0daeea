"""A refused request is logged once, as one line naming who, where, which view and why; never as a
traceback (healthyplaces.core.request_logging, attached in settings' LOGGING)."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden
from django.urls import reverse
from django.utils.log import log_response

from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if getattr(record, "status_code", None) == 403]


def test_a_refusal_is_one_line_with_the_user_the_path_and_the_view(client, caplog):
    member = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    client.force_login(member)
    url = reverse("insights:import")

    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == 403

    [record] = refusals(caplog)
    assert record.name == "django.request"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.exc_text is None
    # This view refuses with no message, so the view's name says which rule refused.
    assert record.getMessage() == f"Refused: user={member.pk} path={url} view=insights:import reason=-"


def test_the_reason_is_logged_and_neither_it_nor_the_path_can_forge_a_second_line(rf, caplog):
    request = rf.get("/insights/")
    request.path = "/insights/\n2026-12-05 WARNING forged"
    request.user = AnonymousUser()
    with caplog.at_level(logging.INFO):
        log_response(
            "Forbidden (Permission denied): %s",
            request.path,
            response=HttpResponseForbidden(),
            request=request,
            exception=PermissionDenied("No\nway"),
        )

    [record] = refusals(caplog)
    assert (
        record.getMessage()
        == r"Refused: user=anonymous path=/insights/\n2026-12-05 WARNING forged view=- reason=No\nway"
    )


def test_djangos_records_reach_only_the_root_handler():
    """Django gives its "django" logger a console handler of its own; with the root's as well, every
    record of Django's printed twice when DEBUG was on. Now they reach the root's alone."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django.request").handlers == []
    assert logging.getLogger("django.request").propagate
    assert logging.getLogger("django").propagate
