import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_browser_blocks_nothing_on_the_pages_and_govuk_frontend_starts(page):
    # Chromium reports every CSP refusal on the console; the GOV.UK scripts must still run
    # (supported.js marks the body, app.mjs starts the components).
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    for url_name in ("core:home", "account_login", "account_signup", "funding:rounds"):
        page.goto(reverse(url_name))
        assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")

    assert [text for text in messages if "Content Security Policy" in text] == []
