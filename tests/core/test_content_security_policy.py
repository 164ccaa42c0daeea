"""The Content Security Policy forbids inline code, so no page may carry any: every response has the
header, no template has an inline script, style or event handler, and no rendered page has one either
(which also covers the allauth templates we do not own)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory
from tests.support.routes import named_routes

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

TAG = re.compile(r"<[a-zA-Z][^<>]*>")
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def policy_of(response) -> dict[str, str] | None:
    # django-csp writes the directives in no fixed order.
    header = response.headers.get("Content-Security-Policy")
    if header is None:
        return None
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


def inline_code(html: str) -> list[str]:
    """Whatever in this HTML the policy would block: scripts without src (a JSON data block is not
    run, so it may stay), <style> blocks, style attributes, on* handlers and javascript: URLs."""
    found = [
        match.group(0)
        for match in SCRIPT.finditer(html)
        if "src=" not in match.group("attrs") and 'type="application/json"' not in match.group("attrs")
    ]
    found += [match.group(0) for match in INLINE_STYLE.finditer(html)]
    found += [tag for tag in TAG.findall(html) if HANDLER.search(tag) or JAVASCRIPT_URL.search(tag)]
    return found


def portal_templates() -> list[Path]:
    # Emails are excluded on purpose: mail clients ignore stylesheets, so email HTML must style
    # inline, and no browser applies the site's CSP to a message.
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [path for path in Path(settings.BASE_DIR).glob("*/templates") if path.is_dir()]
    roots += [path for path in Path(settings.BASE_DIR).glob("healthyplaces/*/templates") if path.is_dir()]
    return sorted(
        path for root in roots for path in root.rglob("*.html") if "emails" not in path.relative_to(root).parts
    )


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client):
    response = client.get(reverse("core:home"))

    assert policy_of(response) == POLICY


def test_the_map_tile_origin_is_allowed_for_images(tmp_path):
    script = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    env = {"DJANGO_SETTINGS_MODULE": "healthyplaces.settings.test", "HEALTHYPLACES_VAR_DIR": str(tmp_path)}
    env |= {"MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png", "PATH": ""}
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[\"'self'\", 'data:', 'https://*.tile.example.org']"


@pytest.mark.parametrize("role", [None, *Role], ids=lambda role: str(role or "anonymous"))
def test_every_page_without_parameters_has_the_policy_and_no_inline_code(client, role):
    if role is not None:
        client.force_login(UserFactory(roles=[role]))
    urls = [reverse(route.name) for route in named_routes() if not route.params and not route.name.startswith("admin:")]
    urls.append("/no-such-page/")

    for url in urls:
        response = client.get(url)
        assert policy_of(response) == POLICY, url
        if response.headers.get("Content-Type", "").startswith("text/html"):
            assert inline_code(response.content.decode()) == [], url


def test_no_portal_template_has_inline_script_style_or_handlers():
    templates = portal_templates()
    assert len(templates) > 40  # the walk found the templates, not an empty folder

    offenders = {str(path): found for path in templates if (found := inline_code(path.read_text()))}

    assert offenders == {}


def test_the_scan_finds_each_kind_of_inline_code():
    assert inline_code('<script>alert(1)</script><script src="/a.js"></script>') == ["<script>"]
    assert inline_code('<script type="application/json">{}</script>') == []
    assert len(inline_code('<p style="color:red"><style>p{}</style>')) == 2
    assert inline_code('<button onclick="go()">') == ['<button onclick="go()">']
    assert inline_code('<a href="javascript:go()">') == ['<a href="javascript:go()">']
