"""Every email is three templates, rendered by one helper: templates/emails/<name>_subject.txt,
<name>_body.txt and <name>_body.html."""

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from healthyplaces.core.links import absolute_url


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(name: str, context: Mapping[str, Any]) -> RenderedEmail:
    full_context = {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "site_url": absolute_url(),
        **context,
    }
    subject = render_to_string(f"emails/{name}_subject.txt", full_context)
    return RenderedEmail(
        # A subject is one line of plain text, whatever the template's whitespace and escaping.
        subject=html.unescape(" ".join(subject.split())),
        text=render_to_string(f"emails/{name}_body.txt", full_context).strip() + "\n",
        html=render_to_string(f"emails/{name}_body.html", full_context),
    )
