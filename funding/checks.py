"""Start-up checks of the 360Giving settings (funding.giving360): a funder identifier or publisher
prefix in the wrong form is an error before anything is published with it; no prefix yet is a
deployment warning, because nothing can be published until 360Giving registers one."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from healthyplaces.accounts.org_ids import council_name_mismatch, grant_prefix_problem, org_id_problem


@register()
def check_giving360_identifiers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    funder = str(settings.FUNDER_ORG_ID)
    problem = org_id_problem(funder)
    if problem:
        messages.append(
            Error(
                f"FUNDER_ORG_ID: {problem}.",
                hint="Use the funder's org-id.guide identifier: Stockton-on-Tees Borough Council is GB-LAE-STT.",
                id="funding.E001",
            )
        )
    mismatch = council_name_mismatch(funder, str(settings.FUNDER_NAME))
    if mismatch:
        messages.append(
            Error(f"FUNDER_ORG_ID: {mismatch}.", hint="Set FUNDER_ORG_ID or FUNDER_NAME.", id="funding.E002")
        )
    prefix = str(settings.GIVING360_PREFIX)
    if prefix and grant_prefix_problem(prefix):
        messages.append(
            Error(
                f"GIVING360_PREFIX: {grant_prefix_problem(prefix)}.",
                hint="Use the prefix 360Giving issued when the council registered, or leave it empty.",
                id="funding.E003",
            )
        )
    for name in ("GIVING360_LICENSE", "GIVING360_ACCESS_URL"):
        value = str(getattr(settings, name))
        if name == "GIVING360_ACCESS_URL" and not value:
            continue
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            messages.append(Error(f"{name}: “{value}” is not an http or https URL.", id="funding.E004"))
    return messages


@register(deploy=True)
def check_giving360_prefix_registered(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.GIVING360_PREFIX:
        return []
    return [
        Warning(
            "GIVING360_PREFIX is empty, so the 360Giving export publishes nothing.",
            hint="Register the council as a 360Giving publisher and set GIVING360_PREFIX to the prefix it issues "
            "(it starts 360G-).",
            id="funding.W001",
        )
    ]
